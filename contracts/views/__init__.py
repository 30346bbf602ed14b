"""Trading pages: owners enter projects, staff file, announce, post and hold the meeting,
contractors respond, everyone reads each project's timeline."""
