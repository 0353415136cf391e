#!/usr/bin/env python3
"""Writes a clickhouse-server configuration for a throw-away server of the tests and benchmarks
(Python 3 stdlib only): a copy of the distribution's /etc/clickhouse-server/config.xml whose
ports, paths and listen addresses point into a temporary directory, on loopback.

  clickhouse_config.py DIR HTTP_PORT TCP_PORT INTERSERVER_PORT [SHARD_TCP_PORT...]

writes DIR/config.xml and DIR/users.xml (the distribution's users: `default` without a password,
loopback only), data under DIR/data, logs under DIR/log. With SHARD_TCP_PORT arguments it also
defines the cluster `siphon` of one shard per port (127.0.0.1), for Distributed tables.
"""
import os
import shutil
import sys
import xml.etree.ElementTree as ET

SOURCE = "/etc/clickhouse-server"


def main(argv):
    if len(argv) < 5:
        print(__doc__, file=sys.stderr)
        return 2
    out, http, tcp, inter = argv[1], argv[2], argv[3], argv[4]
    shards = argv[5:]
    os.makedirs(os.path.join(out, "data"), exist_ok=True)
    os.makedirs(os.path.join(out, "log"), exist_ok=True)
    tree = ET.parse(os.path.join(SOURCE, "config.xml"))
    root = tree.getroot()

    def put(tag, value):
        el = root.find(tag)
        if el is None:
            el = ET.SubElement(root, tag)
        el.text = value

    logger = root.find("logger")
    logger.find("log").text = os.path.join(out, "log", "server.log")
    logger.find("errorlog").text = os.path.join(out, "log", "server.err.log")
    logger.find("level").text = "warning"
    put("http_port", http)
    put("tcp_port", tcp)
    put("interserver_http_port", inter)
    for tag in ("https_port", "tcp_port_secure", "mysql_port"):
        el = root.find(tag)
        if el is not None:
            root.remove(el)
    for el in root.findall("listen_host"):
        root.remove(el)
    put("listen_host", "127.0.0.1")
    put("path", os.path.join(out, "data") + "/")
    put("tmp_path", os.path.join(out, "data", "tmp") + "/")
    put("user_files_path", os.path.join(out, "data", "user_files") + "/")
    put("format_schema_path", os.path.join(out, "data", "format_schemas") + "/")
    put("users_config", os.path.join(out, "users.xml"))
    # Small caches: several servers share a 2-core test machine.
    put("mark_cache_size", str(64 << 20))
    put("uncompressed_cache_size", str(64 << 20))
    for tag in ("query_log", "query_thread_log", "part_log", "trace_log", "text_log", "metric_log"):
        el = root.find(tag)
        if el is not None:
            root.remove(el)
    servers = root.find("remote_servers")
    if servers is None:
        servers = ET.SubElement(root, "remote_servers")
    servers.attrib.pop("incl", None)
    for child in list(servers):
        servers.remove(child)
    if shards:
        cluster = ET.SubElement(servers, "siphon")
        for port in shards:
            replica = ET.SubElement(ET.SubElement(cluster, "shard"), "replica")
            ET.SubElement(replica, "host").text = "127.0.0.1"
            ET.SubElement(replica, "port").text = port
    tree.write(os.path.join(out, "config.xml"))
    shutil.copy(os.path.join(SOURCE, "users.xml"), os.path.join(out, "users.xml"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
