"""Offices: the district offices (区公管办) and their street/town platforms (街道/镇小型公共资源交易
平台). Every project, notice, draw, SMS, pool call, complaint and sanction belongs to one; staff
accounts belong to one and act within its scope (`app.offices.scope`)."""
