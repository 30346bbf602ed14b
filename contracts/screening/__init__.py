"""The award meeting's credit screen (信用审查): each respondent checked against the national list
of dishonest judgment debtors and this platform's sanctions before the candidates are frozen."""
