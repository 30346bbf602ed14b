"""Notices (公告) and their publicity periods, attachments and the public notice pages."""
