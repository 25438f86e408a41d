"""What pika sees of brokersim's wire faults: the test arms a rule, then runs one case of this script.

usage: wire_faults.py PORT CASE [ARGS...]
cases:
  consume IDS N            publish messages with these correlation ids (comma separated) to queue q and consume;
                           prints "got ID" per delivery until N arrived or 3 s passed, then "done"
  publish-get IDS N        publish, then basic.get from q until N arrived or 3 s passed: "queued ID" each, then "done"
  declare                  declare queue q2; prints "ok", or "closed EXCEPTION CODE" when the connection dies
  consume-until-closed ID  publish one message and consume until the connection dies: "closed EXCEPTION CODE"
  idle HEARTBEAT           an idle connection with this heartbeat (s): "closed EXCEPTION CODE" when it dies, or
                           "alive" after 12 s
  big-consume SIZE         publish a SIZE-octet message "big" and consume it: "got big MILLIS"
  big-publish SIZE N       publish N messages of SIZE octets under confirms: "confirmed MILLIS"
Every connection is named "pika" (client property connection_name).
"""
import sys
import time

import pika
import pika.exceptions

port, case, args = int(sys.argv[1]), sys.argv[2], sys.argv[3:]


def connect(heartbeat=0):
    params = pika.ConnectionParameters(host="127.0.0.1", port=port, heartbeat=heartbeat,
                                       blocked_connection_timeout=10, socket_timeout=5,
                                       client_properties={"connection_name": "pika"})
    return pika.BlockingConnection(params)


def closed(e):
    code = getattr(e, "reply_code", None)
    if code is None and e.args and isinstance(e.args[0], int):
        code = e.args[0]
    print("closed", type(e).__name__, code if code is not None else "-", flush=True)


def publish(channel, ids, size=1):
    for cid in ids:
        channel.basic_publish(exchange="", routing_key="q", body=b"x" * size,
                              properties=pika.BasicProperties(correlation_id=cid))


try:
    connection = connect(int(args[0]) if case == "idle" else 0)
    channel = connection.channel()
    channel.queue_declare(queue="q", durable=True)
    if case == "consume":
        ids, n = args[0].split(","), int(args[1])
        got = []
        channel.basic_consume("q", lambda ch, m, p, b: got.append(p.correlation_id), auto_ack=True)
        publish(channel, ids)
        deadline = time.time() + 3
        while len(got) < n and time.time() < deadline:
            connection.process_data_events(time_limit=0.1)
        connection.process_data_events(time_limit=0.3)
        for cid in got:
            print("got", cid)
        print("done")
    elif case == "publish-get":
        ids, n = args[0].split(","), int(args[1])
        publish(channel, ids)
        got = []
        deadline = time.time() + 3
        while len(got) < n and time.time() < deadline:
            m, p, b = channel.basic_get("q", auto_ack=True)
            if m is None:
                time.sleep(0.02)
            else:
                got.append(p.correlation_id)
        time.sleep(0.2)
        m, p, b = channel.basic_get("q", auto_ack=True)
        if m is not None:
            got.append(p.correlation_id)
        for cid in got:
            print("queued", cid)
        print("done")
    elif case == "declare":
        channel.queue_declare(queue="q2", durable=True)
        print("ok")
    elif case == "consume-until-closed":
        channel.basic_consume("q", lambda ch, m, p, b: None, auto_ack=True)
        publish(channel, [args[0]], size=64)
        deadline = time.time() + 15
        while time.time() < deadline:
            connection.process_data_events(time_limit=0.2)
        print("alive")
    elif case == "idle":
        deadline = time.time() + 12
        while time.time() < deadline:
            connection.process_data_events(time_limit=0.2)
        print("alive")
    elif case == "big-consume":
        size = int(args[0])
        got = []
        channel.basic_consume("q", lambda ch, m, p, b: got.append(time.time()), auto_ack=True)
        channel.basic_publish(exchange="", routing_key="q", body=b"w",
                              properties=pika.BasicProperties(correlation_id="warm"))
        while not got:
            connection.process_data_events(time_limit=0.1)
        start = time.time()
        channel.basic_publish(exchange="", routing_key="q", body=b"x" * size,
                              properties=pika.BasicProperties(correlation_id="big"))
        while len(got) < 2 and time.time() - start < 20:
            connection.process_data_events(time_limit=0.1)
        print("got big", int((got[1] - start) * 1000))
    elif case == "big-publish":
        size, n = int(args[0]), int(args[1])
        channel.confirm_delivery()
        channel.queue_declare(queue="q", passive=True)
        start = time.time()
        publish(channel, ["p%d" % i for i in range(n)], size=size)
        print("confirmed", int((time.time() - start) * 1000))
    connection.close()
except (pika.exceptions.AMQPConnectionError, pika.exceptions.AMQPChannelError,
        pika.exceptions.StreamLostError, ConnectionError) as e:
    closed(e)
