/** The top-level help text: every command and option. */
export const mainUsage = `kafka-rule-node: a ThingsBoard-compatible rule engine whose headline node publishes to Kafka

Usage:
  kafka-rule-node run CHAIN.json [options]   run a ThingsBoard rule-chain export on NDJSON messages
  kafka-rule-node broker [options]           start the development Kafka broker (not for production)
  kafka-rule-node describe [NODE]            list node types, or show one node's configuration
  kafka-rule-node demo                       run the end-to-end demo (what \`npm start\` does)
  kafka-rule-node help [COMMAND]             show help for a command
  kafka-rule-node --version                  print the version

Run \`kafka-rule-node help COMMAND\` for the options of a command.
`

/** Help for \`run\`. */
export const runUsage = `Usage: kafka-rule-node run CHAIN.json [options]

Loads CHAIN.json (a ThingsBoard rule-chain export), reads one JSON message per line on stdin and
writes one line per message leaving the chain on stdout:
  {"relation":"Success","node":"<node name>","msg":{"id":..,"ts":..,"type":..,"originator":..,"metadata":..,"dataType":..,"data":".."}}

A message on input: {"type": "POST_TELEMETRY_REQUEST", "originator": {"entityType": "DEVICE", "id": "<uuid>"},
"metadata": {"deviceName": "T1"}, "data": {"temperature": 21.5}}; "id" and "ts" are filled when absent,
"data" may be a string or any JSON value (kept as its JSON text), metadata values must be strings.

Input is UTF-8 (a byte order mark at its start is dropped). A bad input line, also one that is not
valid UTF-8, gives one line on stderr, "line N: <what is wrong>", and the run goes on. At the end
of input the run waits until every message has left the chain, then exits.

HTTP service (ThingsBoard's device HTTP API shape):
  --http PORT          also take messages over HTTP on PORT (0: any free port; the bound address is
                       printed on stderr as "http: listening on HOST:PORT"). With --http the run
                       goes on after the end of stdin, until SIGTERM or SIGINT.
  --host HOST          address to listen on (default 127.0.0.1)
  --devices FILE       access tokens: {"<token>": {"name": "T1", "type": "thermostat", "id": "<uuid>"}}
                       ("gateway": true marks a token that may use the MQTT gateway API)
  --http-grace-ms MS   on SIGTERM/SIGINT the service stops taking connections at once and gives the
                       requests under way MS to finish (default 5000); then it cuts those still open
                       (they were not answered 200) and delivers every message it accepted
  --spool DIR          keep every message answered 200 (or PUBACKed) on disk in DIR (write-ahead log, fdatasync
                       before the answer) until it has left the chain; at start, messages a killed
                       run left unfinished are replayed before new input is taken
  --spool-max-bytes N  size of DIR beyond which requests get 503 with Retry-After
                       (MQTT: the connection is closed, the PUBLISH not acknowledged) (default 1 GiB)
  --spool-segment-bytes N
                       size of one segment file (default 16 MiB or a quarter of the maximum,
                       whichever is less; at most half of the maximum); a segment is deleted once
                       its messages and those of every older one are done
  --spool-loop-sync-ms MS
                       syncs are made on the event loop while they take at most MS on average
                       (default 2: quicker than handing them to a thread), on the thread pool
                       while slower; 0: always on the thread pool, never blocking the loop
    POST /api/v1/{token}/telemetry    -> POST_TELEMETRY_REQUEST   (200 once the messages are in the chain,
                                                                   and on disk with --spool)
    POST /api/v1/{token}/attributes   -> POST_ATTRIBUTES_REQUEST
       metadata deviceName, deviceType, ts; originator the device. Telemetry: {"k": v}, {"ts": MS,
       "values": {...}} or an array of either, one message per object (ts from the object when it
       has one). Unknown token: 401; token with a broken %-escape, body not JSON or not one of
       those forms: 400 with the reason; body over 1 MiB: 413; chain full or spool full:
       503 with Retry-After.
       Tokens are never logged.
    GET /metrics                      Prometheus text format
    GET /healthz                      200 "ok" when every node that talks to a broker has reached it, else 503

MQTT service (ThingsBoard's MQTT device API; MQTT 3.1, 3.1.1 and 5; QoS 0 and 1):
  --mqtt PORT          also take messages over MQTT on PORT (0: any free port; printed on stderr as
                       "mqtt: listening on HOST:PORT"); next to or instead of --http, with the same
                       --devices and --host. The run goes on until SIGTERM or SIGINT.
  --mqtt-tls-cert FILE, --mqtt-tls-key FILE
                       serve MQTT over TLS with this certificate chain and key (PEM)
    CONNECT: the user name is the access token; unknown: CONNACK not authorized (5 / 0x87)
    v1/devices/me/telemetry, v1/devices/me/attributes: as the HTTP posts above
    v1/gateway/telemetry {"Device A": [{"ts": MS, "values": {...}}, {...}], ...},
    v1/gateway/attributes {"Device A": {...}, ...}: for tokens with "gateway": true in --devices
       QoS 1: PUBACK once the messages are in the chain; while a node pushes back the connection
       is not read. A refused publish: MQTT 5 PUBACK 0x99 (payload), 0x87 (not a gateway), 0x90
       (topic) with the reason; MQTT 3.1.1 acknowledges it. Logged and counted in /metrics.

Kafka input (consume topics as a member of a consumer group, instead of stdin):
  --kafka-input HOST:PORT[,...]  bootstrap servers of the input cluster (PLAINTEXT unless the
                       properties below say otherwise)
  --topics T1[,T2...]  the topics to consume; --group GROUP  the consumer group (required)
  --input-format F     json (default): the value is a message in the stdin shape above; raw: the
                       value is the data (dataType JSON when it parses, else TEXT), headers
                       tb_msg_md_<key> are metadata entries (as the Kafka node writes them)
  --msg-type TYPE      raw: the message type (default POST_TELEMETRY_REQUEST)
  --originator ENTITY_TYPE:UUID  raw: the originator (default ThingsBoard's NULL UUID device)
  --dead-letter-topic T  where a record that is not a message goes (same key, value, headers, plus
                       header krn_dead_letter_reason "<topic>[<partition>]@<offset>: <reason>");
                       without it such a record is logged and skipped. Either way it is counted
                       and never holds up its partition
  --max-in-flight N    messages from Kafka in the chain at most (default 1000); fetching pauses
                       while they, or a node pushing back, fill it
  --commit-interval-ms MS  how often finished offsets are committed (default 200)
  --session-timeout-ms MS  the group session timeout (default 10000); a member silent that long
                       is dropped and its partitions move
  --revoke-timeout-ms MS   how long a rebalance or a stop waits for messages of partitions given
                       up to leave the chain before committing (default 10000)
  --client-id ID       the Kafka client id (default kafka-rule-node)
  --kafka-input-config FILE  the settings above from a JSON object instead (for services): fields
                       bootstrapServers, topics (a string, or an array of strings), group,
                       inputFormat, msgType, originator, deadLetterTopic, clientId (strings),
                       maxInFlight, commitIntervalMs, sessionTimeoutMs, revokeTimeoutMs (numbers),
                       properties (an object of strings: the client properties below);
                       an option on the command line overrides the same field
  --kafka-input-properties FILE  client properties of the consumer and dead-letter sender, as a
                       Java .properties file (as Kafka's tools take --consumer.config):
                       security.protocol (PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL),
                       sasl.mechanism (PLAIN, SCRAM-SHA-256, SCRAM-SHA-512), sasl.jaas.config,
                       ssl.truststore.*, ssl.keystore.* (PEM), ssl.endpoint.identification.algorithm;
                       the same names, checks and defaults as the Kafka node's otherProperties
  --kafka-input-property KEY=VALUE  one client property (repeatable); over the file's, which are
                       over the config file's properties. Others are warned about and ignored
  Every message gets metadata kafkaTopic, kafkaPartition, kafkaOffset, kafkaTimestamp, and
  kafkaKey (when the record has a key). A partition's offset is committed only up to the first
  record whose message, or a copy of it, is still in the chain (at least once). SIGTERM stops
  fetching, lets every message leave, commits, leaves the group, exits 0. With --kafka-input,
  --http PORT needs no --devices (it then serves /metrics and /healthz only; --mqtt and --spool,
  being for device input, still need it); /healthz also
  reports the group membership (503 while not a member), /metrics the input's counters.

Options:
  --stub-unsupported   run nodes of types this engine does not support (save timeseries, device profile,
                       RPC, alarms, ...) as stand-ins that pass each message on Success unchanged; they
                       are named in a warning at start and counted in krn_stubbed_messages_total. Without
                       it such a chain fails to load with one error listing every such node
  --max-line-bytes N   longest input line accepted (default 1048576); longer lines are skipped with an error
  --log-level LEVEL    debug, info, warn, error or silent (default info); logs are JSON lines on stderr
  -h, --help           show this help

Signals: the first SIGTERM or SIGINT stops reading input; messages in the chain are delivered or
failed onto Failure, then the run exits 0. A second one exits at once with 130 (SIGINT) or 143 (SIGTERM).

A closed stdout (e.g. "| head -1") stops reading input; what is in the chain still leaves it, then
the run exits 0 quietly. With --http the service goes on and says once on stderr that stdout is closed.

Exit status: 0 the input was processed (bad lines do not change it); 1 the chain could not be loaded
or started (the error names the file, node and field), the --http or --mqtt address could not be
bound (the error names it and why), a --mqtt-tls-* file could not be read, or writing stdout failed other than by its closing; 2 the command line is
wrong.
`

/** Help for \`describe\`. */
export const describeUsage = `Usage: kafka-rule-node describe [NODE]

Without NODE, lists the node types this engine knows (ThingsBoard class name and short name).
With NODE (a short name such as "kafka", or a class name), shows its relations and every
configuration field with its type, default and meaning.
`

/** Help for \`demo\`. */
export const demoUsage = `Usage: kafka-rule-node demo

Runs the demo end to end on built-in defaults: starts the development broker, a sample chain,
sends sample messages through it and prints what arrived where. Takes no options.
`
