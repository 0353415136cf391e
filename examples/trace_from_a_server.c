/* A SIP server's side of libsiphon_tracer: trace the INVITE it received over TLS (which no
 * sniffer can read) and the copy it relayed, as HEP to a collector, then flush and report.
 *   trace_from_a_server udp:127.0.0.1:9060   (the collector's HEP address)
 * Exit 0 when both messages were sent; the figures go to stdout. */
#include <siphon/tracer.h>
#include <stdio.h>
#include <string.h>

static const char kInvite[] =
    "INVITE sip:bob@example.com SIP/2.0\r\n"
    "Via: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bK-example-1\r\n"
    "From: <sip:alice@example.com>;tag=a1\r\n"
    "To: <sip:bob@example.com>\r\n"
    "Call-ID: example-call-1@example.com\r\n"
    "CSeq: 1 INVITE\r\n"
    "Content-Length: 0\r\n\r\n";

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s HEP_ADDRESS (e.g. udp:127.0.0.1:9060)\n", argv[0]);
    return 2;
  }
  char config[512], error[256];
  snprintf(config, sizeof config,
           "duplicate_uri = [\"%s\"]\n"
           "hep_capture_id = 42\n"
           "[[trace]]\nmethod = [\"INVITE\"]\nscope = \"d\"\n",
           argv[1]);
  siphon_tracer *tracer = siphon_tracer_create(config, error, sizeof error);
  if (tracer == NULL) {
    fprintf(stderr, "siphon_tracer_create: %s\n", error);
    return 2;
  }
  /* Received from the caller over TLS, then relayed to the callee: one call, one id. */
  siphon_tracer_trace(tracer, kInvite, strlen(kInvite), "192.0.2.10:5061", "192.0.2.1:5061",
                      SIPHON_TRANSPORT_TLS, SIPHON_DIRECTION_IN, "example-session-1");
  siphon_tracer_trace(tracer, kInvite, strlen(kInvite), "192.0.2.1:5060", "192.0.2.20:5060",
                      SIPHON_TRANSPORT_UDP, SIPHON_DIRECTION_OUT, "example-session-1");
  int flushed = siphon_tracer_flush(tracer, 5000);
  siphon_tracer_stats stats;
  siphon_tracer_stats_get(tracer, &stats);
  printf("accepted %llu, traced %llu, sent %llu, dropped %llu\n",
         (unsigned long long)stats.accepted, (unsigned long long)stats.traced,
         (unsigned long long)stats.sent,
         (unsigned long long)(stats.dropped + stats.dropped_queue_full + stats.rejected));
  siphon_tracer_destroy(tracer);
  return flushed == 0 && stats.sent == 2 ? 0 : 1;
}
