/* libsiphon_tracer: trace SIP from inside a SIP server.
 *
 * A sniffer cannot read SIP carried in TLS, nor tell which of a server's own sockets a
 * message used. A server that links this library hands each message it receives or sends to
 * siphon_tracer_trace(); the library runs the same pipeline as `siphon agent` — SIP parse,
 * the [[trace]] rules (scopes m/t/d/b, C/c, correlation, traced users, drop), HEP out to
 * duplicate_uri, a plain-SIP copy, the embedded store — configured by the same TOML keys.
 *
 *   siphon_tracer *t = siphon_tracer_create(toml, err, sizeof err);
 *   siphon_tracer_trace(t, buf, len, "10.0.0.1:5060", "10.0.0.9:5061",
 *                       SIPHON_TRANSPORT_TLS, SIPHON_DIRECTION_OUT, NULL);
 *   siphon_tracer_flush(t, 1000);
 *   siphon_tracer_destroy(t);
 *
 * Threads: every function but create and destroy may be called from any number of threads at
 * once. siphon_tracer_trace() never blocks its caller on I/O: it copies the message into a
 * bounded queue (tracer_queue_size records, tracer_queue_bytes bytes) and returns; when the
 * queue is full the message is dropped and counted (stats.dropped_queue_full). One thread of
 * the library's own takes it from there.
 *
 * Errors are return values; nothing here throws or aborts, and a message that is not valid
 * SIP is still traced, kept raw and marked unparsed, as the agent does.
 *
 * Link: cc server.c $(pkg-config --cflags --libs siphon-tracer), or -I<prefix>/include
 * -L<prefix>/lib -lsiphon_tracer. Only the siphon_tracer_ symbols are exported. */
#ifndef SIPHON_TRACER_H
#define SIPHON_TRACER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct siphon_tracer siphon_tracer;

/* The transport a message went over; the HEP IP protocol id it is sent with in brackets. */
typedef enum siphon_transport {
  SIPHON_TRANSPORT_UDP = 1,  /* 17 */
  SIPHON_TRANSPORT_TCP = 2,  /* 6 */
  SIPHON_TRANSPORT_TLS = 3,  /* 22, as Kamailio's siptrace sends TLS */
  SIPHON_TRANSPORT_SCTP = 4, /* 132 */
  SIPHON_TRANSPORT_WS = 5,   /* 50; WSS is sent as WS too */
  SIPHON_TRANSPORT_WSS = 6
} siphon_transport;

/* Which way the message went, as seen by the server: the sip_trace row's direction. UNKNOWN
 * leaves it to local_addresses. */
typedef enum siphon_direction {
  SIPHON_DIRECTION_UNKNOWN = 0,
  SIPHON_DIRECTION_IN = 1, /* received by the server */
  SIPHON_DIRECTION_OUT = 2 /* sent by the server */
} siphon_direction;

/* What siphon_tracer_trace() returns. */
enum {
  SIPHON_TRACE_QUEUED = 0,       /* taken; the rules decide what is sent */
  SIPHON_TRACE_DROPPED = 1,      /* queue full or tracer stopping: counted, not an error */
  SIPHON_TRACE_BAD_ARGUMENT = -1 /* a NULL pointer, an empty or oversized message, a bad
                                    address or transport: counted as rejected */
};

/* The figures since create; each a sum over the tracer's stages. */
typedef struct siphon_tracer_stats {
  uint64_t accepted;           /* messages taken into the queue */
  uint64_t dropped_queue_full; /* refused: the queue was full */
  uint64_t rejected;           /* refused: SIPHON_TRACE_BAD_ARGUMENT */
  uint64_t processed;          /* through the pipeline (parsed, rules applied) */
  uint64_t traced;             /* kept by the rules (every message when there is none) */
  uint64_t sent;               /* HEP packets / SIP copies sent to the destinations */
  uint64_t stored;             /* rows stored (trace_to_database) */
  uint64_t dropped;            /* every drop after the queue, all reasons: no_rule, drop,
                                  other_side, a destination's own losses... */
  uint64_t queue_depth;        /* messages waiting in the queue now */
} siphon_tracer_stats;

/* A tracer from TOML text with the agent's keys (docs/CLI.md: duplicate_uri, hep_version,
 * hep_capture_id, trace_on, [[trace]] rules, local_addresses, trace_to_database, db_url...),
 * plus tracer_queue_size (default 65536) and tracer_queue_bytes (default 67108864). Returns
 * NULL on error with the reason, naming the key, in `error` (NUL-terminated, truncated to
 * `error_len`; `error` may be NULL). The destinations are opened before it returns. */
siphon_tracer* siphon_tracer_create(const char* toml, char* error, size_t error_len);

/* Traces one SIP message of `length` bytes (at most 65535) that went from `source` to
 * `destination`, each "IPv4:port" or "[IPv6]:port". `correlation_id` (NULL or "" for none)
 * is sent as HEP chunk 0x0011 unless the matching rule names its own correlation. Copies
 * the bytes; returns one of SIPHON_TRACE_*. */
int siphon_tracer_trace(siphon_tracer* tracer, const void* bytes, size_t length, const char* source,
                        const char* destination, int transport, int direction,
                        const char* correlation_id);

/* Waits up to `timeout_ms` until every message traced before the call has been through the
 * rules and written to (or queued by) its destinations. 0 when done, 1 on timeout, -1 on a
 * NULL tracer. */
int siphon_tracer_flush(siphon_tracer* tracer, unsigned timeout_ms);

/* Fills `out` (zeroed first). */
void siphon_tracer_stats_get(const siphon_tracer* tracer, siphon_tracer_stats* out);

/* Every stage's counts and drops by reason as the JSON object `siphon ctl stats` prints,
 * NUL-terminated in `buffer` (truncated to `buffer_len`); returns the length the whole text
 * needs without its NUL, so a caller can retry with a bigger buffer. */
size_t siphon_tracer_stats_json(const siphon_tracer* tracer, char* buffer, size_t buffer_len);

/* trace_on at run time, as Kamailio's siptrace.status RPC: 0 stops every output. */
void siphon_tracer_set_on(siphon_tracer* tracer, int on);

/* Sends what is queued (or spools it), stops the threads and frees the tracer. NULL is a
 * no-op. No other call on `tracer` may run at the same time or follow. */
void siphon_tracer_destroy(siphon_tracer* tracer);

#ifdef __cplusplus
}
#endif

#endif /* SIPHON_TRACER_H */
