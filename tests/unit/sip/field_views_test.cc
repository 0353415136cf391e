// field_views.h: the parts of URIs and name-addrs found without their grammar, and
// FieldSet::Ingest built on them, equal the full parse's wherever the value parses.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "sip/field_views.h"
#include "sip/header_values.h"
#include "sip/name_addr.h"
#include "sip/sip_capture_fields.h"
#include "sip/sip_message.h"
#include "sip/uri.h"
#include "sip/via.h"
#include "sip_fixtures.h"

namespace siphon::sip {
namespace {

// splitUri() against parseUri() on one URI the full parse accepts.
void expectUriAsParsed(std::string_view text) {
  const auto full = parseUri(text);
  ASSERT_TRUE(full) << text;
  const UriView v = splitUri(text);
  const bool has_parts = full->scheme != UriScheme::Other;
  EXPECT_EQ(v.user, has_parts ? full->user : "") << text;
  EXPECT_EQ(v.host, full->host) << text;
  EXPECT_EQ(v.host_text, full->host_text) << text;
  EXPECT_EQ(v.port, full->port) << text;
}

TEST(FieldViews, UriPartsAreTheFullParsesOnValidUris) {
  for (std::string_view uri :
       {"sip:alice@example.com", "sip:example.com", "SIP:Bob@Example.COM:5070",
        "sips:bob:secret@[2001:db8::1]:5061;transport=tls", "sip:[::1]",
        "sip:+4930555123@sip.example.net;user=phone", "sip:a@h?subject=x&to=y",
        "sip:a@h;lr;maddr=10.0.0.1?h=v", "sip:user;par=u%40example.net@example.com",
        "sip:a@10.0.0.1:0", "sip:a@h:65535", "tel:+1-201-555-0123;phone-context=x", "TEL:911",
        "urn:service:sos", "mailto:a@b", "soap.beep://x"}) {
    expectUriAsParsed(uri);
  }
}

// The host and port ends are found 16 bytes at a time, the last block overlapping: a host of
// every length from 1 to 70, with and without a port and parameters, each URI in a heap block
// of its exact size so that ASan sees a read past it.
TEST(FieldViews, UriPartsAtEveryHostLength) {
  for (size_t len = 1; len <= 70; ++len) {
    std::string host(len, 'h');
    host[len / 2] = '.';
    for (const std::string& tail : {std::string(), std::string(":5060"),
                                    std::string(";transport=tcp"), std::string(":7;lr?x=y")}) {
      const std::string uri = "sip:u@" + host + tail;
      const auto exact = std::make_unique<char[]>(uri.size());
      std::memcpy(exact.get(), uri.data(), uri.size());
      const std::string_view view(exact.get(), uri.size());
      expectUriAsParsed(view);
      EXPECT_EQ(splitUri(view).host, std::string_view(exact.get() + 6, len)) << uri;
    }
  }
}

TEST(FieldViews, UriPartsStayInsideWhatTheFullParseRejects) {
  for (std::string_view uri :
       {"", "s", "sip", "sip:", "sip:@", "sip:a@", "sip:[::1", "sip:a@h:99999", "sip:a@h:x",
        "sip:a@[", "sips", "sips:", "tel:", "sip:a@h:", "sip: a@h"}) {
    const UriView v = splitUri(uri);
    for (std::string_view part : {v.user, v.host, v.host_text}) {
      if (part.empty()) continue;
      EXPECT_GE(part.data(), uri.data()) << uri;
      EXPECT_LE(part.data() + part.size(), uri.data() + uri.size()) << uri;
    }
  }
  EXPECT_EQ(splitUri("sip:a@h:99999").port, 0) << "not a 16-bit number";
  EXPECT_EQ(splitUri("sip:a@[::1").host, "::1") << "unclosed: what is there";
}

TEST(FieldViews, NameAddrPartsAreTheFullParsesOnValidValues) {
  for (std::string_view value :
       {"<sip:a@x>", "\"Alice\" <sip:alice@example.com>;tag=9fx", "\"A <b> \\\" c\" <sip:a@x>",
        "Bob <sips:bob@[2001:db8::2]:5061>;TAG=t;other", "sip:a@x;tag=addr-spec",
        "sip:a@x ;tag=spaced", "  <sip:a@x>  ", "*", "<tel:+123>;tag;tag=x",
        "<sip:a@x>;x=1;tag=late", "name<sip:a@x>", "<urn:service:sos>"}) {
    const auto full = parseNameAddr(value);
    ASSERT_TRUE(full) << value;
    const NameAddrView v = splitNameAddr(value);
    ASSERT_TRUE(v.found) << value;
    EXPECT_EQ(v.star, full->star) << value;
    EXPECT_EQ(v.uri_text, full->uri_text) << value;
    EXPECT_EQ(v.params, full->params) << value;
    EXPECT_EQ(tagParam(v.params), full->tag()) << value;
  }
  EXPECT_FALSE(splitNameAddr("").found);
  EXPECT_FALSE(splitNameAddr("\"unterminated <sip:a@x>").found);
  EXPECT_FALSE(splitNameAddr("<sip:a@x").found);
  EXPECT_FALSE(splitNameAddr("<sip:a@x> junk").found);
  const std::string_view via = "SIP/2.0/UDP h;branch;BRANCH=z9hG4bK-2";
  ASSERT_TRUE(parseVia(via));
  EXPECT_EQ(viaBranch(via), parseVia(via)->branch) << "the first branch with a value";
  EXPECT_EQ(viaBranch(via), "z9hG4bK-2");
}

// The Ingest fields against All's, each where the value it comes from parses in full.
void expectIngestAsFull(const std::string& bytes) {
  const auto msg = SipMessage::parse(bytes);
  SipCaptureFields full, ingest;
  extractCaptureFields(msg, {}, full, FieldSet::All);
  extractCaptureFields(msg, {}, ingest, FieldSet::Ingest);
  const std::string what = bytes.substr(0, 60);
  // Unchanged by the set: read as written.
  EXPECT_EQ(ingest.type, full.type) << what;
  EXPECT_EQ(ingest.method, full.method) << what;
  EXPECT_EQ(ingest.status_code, full.status_code) << what;
  EXPECT_EQ(ingest.reply_reason, full.reply_reason) << what;
  EXPECT_EQ(ingest.ruri, full.ruri) << what;
  EXPECT_EQ(ingest.from_value, full.from_value) << what;
  EXPECT_EQ(ingest.to_value, full.to_value) << what;
  EXPECT_EQ(ingest.callid, full.callid) << what;
  EXPECT_EQ(ingest.callid_aleg, full.callid_aleg) << what;
  EXPECT_EQ(ingest.via_1, full.via_1) << what;
  EXPECT_EQ(ingest.cseq, full.cseq) << what;
  EXPECT_EQ(ingest.auth_user, full.auth_user) << what;
  EXPECT_EQ(ingest.diversion, full.diversion) << what;
  EXPECT_EQ(ingest.reason, full.reason) << what;
  EXPECT_EQ(ingest.content_type, full.content_type) << what;
  EXPECT_EQ(ingest.user_agent, full.user_agent) << what;
  EXPECT_EQ(ingest.originator_ip, full.originator_ip) << what;
  EXPECT_EQ(ingest.originator_port, full.originator_port) << what;
  EXPECT_EQ(ingest.rtp_stat, full.rtp_stat) << what;
  EXPECT_EQ(ingest.custom_field1, full.custom_field1) << what;
  // Parts of a value: equal where the value parses.
  if (msg.isRequest() && msg.requestUriParsed()) {
    EXPECT_EQ(ingest.ruri_user, full.ruri_user) << what;
    EXPECT_EQ(ingest.ruri_domain, full.ruri_domain) << what;
  }
  if (msg.from()) {
    EXPECT_EQ(ingest.from_user, full.from_user) << what;
    EXPECT_EQ(ingest.from_domain, full.from_domain) << what;
    EXPECT_EQ(ingest.from_tag, full.from_tag) << what;
  }
  if (msg.to()) {
    EXPECT_EQ(ingest.to_user, full.to_user) << what;
    EXPECT_EQ(ingest.to_domain, full.to_domain) << what;
    EXPECT_EQ(ingest.to_tag, full.to_tag) << what;
  }
  if (msg.contact()) {
    EXPECT_EQ(ingest.contact_user, full.contact_user) << what;
    EXPECT_EQ(ingest.contact_ip, full.contact_ip) << what;
    EXPECT_EQ(ingest.contact_port, full.contact_port) << what;
  }
  if (msg.topVia()) {
    EXPECT_EQ(ingest.via_1_branch, full.via_1_branch) << what;
  }
  bool identities_parse = true;
  for (HeaderId id :
       {HeaderId::PAssertedIdentity, HeaderId::PPreferredIdentity, HeaderId::RemotePartyId}) {
    if (msg.hasHeader(id) && !parseNameAddr(firstListValue(msg.header(id)))) {
      identities_parse = false;
    }
  }
  if (identities_parse) {
    EXPECT_EQ(ingest.pid_user, full.pid_user) << what;
  }
}

TEST(FieldViews, IngestFieldsAreAllsOnEveryMessageAtHand) {
  std::vector<std::string> inputs = testing::everyMessageAtHand();
  ASSERT_GT(inputs.size(), 80u);
  size_t valid = 0;
  for (const std::string& bytes : inputs) {
    expectIngestAsFull(bytes);
    valid += !SipMessage::parse(bytes).parseError();
  }
  EXPECT_GT(valid, 40u) << "most messages at hand parse in full: the comparison has substance";
}

// FieldSet::Store: Ingest's fields that the embedded store reads, every other field empty.
TEST(FieldViews, StoreFieldsAreIngestsForWhatTheStoreReadsOnEveryMessageAtHand) {
  for (const std::string& bytes : testing::everyMessageAtHand()) {
    const auto msg = SipMessage::parse(bytes);
    SipCaptureFields ingest, store;
    extractCaptureFields(msg, {}, ingest, FieldSet::Ingest);
    extractCaptureFields(msg, {}, store, FieldSet::Store);
    const std::string what = bytes.substr(0, 60);
    // The index keys, the statistics and table routing's hash.
    EXPECT_EQ(store.type, ingest.type) << what;
    EXPECT_EQ(store.method, ingest.method) << what;
    EXPECT_EQ(store.status_code, ingest.status_code) << what;
    EXPECT_EQ(store.callid, ingest.callid) << what;
    EXPECT_EQ(store.callid_aleg, ingest.callid_aleg) << what;
    EXPECT_EQ(store.from_user, ingest.from_user) << what;
    EXPECT_EQ(store.to_user, ingest.to_user) << what;
    EXPECT_EQ(store.ruri_user, ingest.ruri_user) << what;
    EXPECT_EQ(store.pid_user, ingest.pid_user) << what;
    EXPECT_EQ(store.to_tag, ingest.to_tag) << what;
    EXPECT_EQ(store.cseq, ingest.cseq) << what;
    EXPECT_EQ(store.user_agent, ingest.user_agent) << what;
    // What the same splits give at no cost.
    EXPECT_EQ(store.ruri_domain, ingest.ruri_domain) << what;
    EXPECT_EQ(store.from_tag, ingest.from_tag) << what;
    // Not read at ingest: left to the readers, which parse again.
    for (std::string_view unread :
         {store.contact_user, store.contact_ip, store.auth_user, store.via_1, store.via_1_branch,
          store.diversion, store.reason, store.content_type, store.originator_ip, store.rtp_stat,
          store.custom_field1, store.custom_field2, store.custom_field3}) {
      EXPECT_EQ(unread, "") << what;
    }
    EXPECT_EQ(store.contact_port, 0) << what;
  }
}

TEST(FieldViews, IngestGivesTheBestEffortPartsWhereAllGivesNone) {
  // A From whose URI has LWS inside the brackets: the full parse rejects it (RFC 4475
  // badaspec) and leaves From's parts empty; Ingest keeps what the split finds.
  const std::string bytes = testing::crlf(
      "OPTIONS sip:b@x SIP/2.0\nVia: SIP/2.0/UDP h;branch=z9hG4bK-1\n"
      "From: <sip:alice@example.com >;tag=1\nTo: <sip:b@x>\nCall-ID: c\nCSeq: 1 OPTIONS\n"
      "Content-Length: 0\n\n");
  const auto msg = SipMessage::parse(bytes);
  ASSERT_FALSE(msg.framingError());
  ASSERT_TRUE(msg.parseError());
  SipCaptureFields full, ingest;
  extractCaptureFields(msg, {}, full, FieldSet::All);
  extractCaptureFields(msg, {}, ingest, FieldSet::Ingest);
  EXPECT_EQ(full.from_user, "");
  EXPECT_EQ(ingest.from_user, "alice");
  EXPECT_EQ(ingest.from_tag, "1");
  EXPECT_EQ(ingest.to_user, full.to_user);
}

}  // namespace
}  // namespace siphon::sip
