"""A hello-world Flask app for bench/throughput.sh: one small HTML page, no database, no
templates — the floor the platform's requests per second are compared with.

Served by ``gunicorn --chdir bench hello:app`` (bench/throughput.sh does it).
"""

from __future__ import annotations

from flask import Flask

PAGE = """<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>你好</title></head>
<body><h1>你好，世界</h1><p>小型建设工程公开交易平台 · 基准对照页</p></body>
</html>
"""

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    return PAGE
