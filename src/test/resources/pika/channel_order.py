"""Pipelined publish + basic.qos on a fresh connection, N times: the broker must close the channel
(404 for a missing exchange, 403 for an internal one) before it answers the qos.

usage: channel_order.py PORT N EXCHANGE EXPECTED_CODE
prints: "closed-first K of N" and, for each run where qos-ok came first, "qos-ok-first RUN".
"""
import sys

import pika
import pika.exceptions

port, n, exchange, expected = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
params = pika.ConnectionParameters(host="127.0.0.1", port=port, heartbeat=0, blocked_connection_timeout=10)
closed_first = 0
for run in range(n):
    connection = pika.BlockingConnection(params)
    channel = connection.channel()
    channel.basic_publish(exchange=exchange, routing_key="k", body=b"x")
    try:
        channel.basic_qos(prefetch_count=1)
        print("qos-ok-first", run)
    except pika.exceptions.ChannelClosedByBroker as e:
        if e.reply_code != expected:
            print("wrong-code", run, e.reply_code, e.reply_text)
        else:
            closed_first += 1
    connection.close()
print("closed-first", closed_first, "of", n)
