// siphon_sqlite: an SQLite extension that shows the block store as the familiar sip_capture
// columns, so that a person with the sqlite3 shell can read a Siphon store:
//
//   sqlite3 siphon.db
//   sqlite> .load /path/to/siphon_sqlite
//   sqlite> SELECT date, method, from_user, to_user, callid FROM sip_capture LIMIT 10;
//
// The store creates the view `sip_capture` (and rtcp_capture, report_capture, logs_capture)
// over the eponymous virtual table `siphon_messages` that this extension provides. An equality
// on callid or correlation_id uses the store's keys; anything else scans the blocks.

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "sink/sqlite_extension.h"

#include "sink/capture_row.h"
#include "sink/store/block_store.h"
#include "sink/store/index_key.h"

namespace siphon::sink {
namespace {

// Column order of the virtual table; the view selects from it by name.
enum Col : int {
  kTbl, kDate, kMicroTs, kMethod, kReplyReason, kRuri, kRuriUser, kRuriDomain, kFromUser,
  kFromDomain, kFromTag, kToUser, kToDomain, kToTag, kPidUser, kContactUser, kAuthUser, kCallId,
  kCallIdAleg, kVia1, kVia1Branch, kCseq, kDiversion, kReason, kContentType, kAuth, kUserAgent,
  kSourceIp, kSourcePort, kDestinationIp, kDestinationPort, kContactIp, kContactPort,
  kOriginatorIp, kOriginatorPort, kCorrelationId, kCustom1, kCustom2, kCustom3, kProto, kFamily,
  kRtpStat, kType, kNode, kMsg, kParseError, kHepVersion, kCaptureId, kPayloadType,
};

constexpr const char* kSchema =
    "CREATE TABLE x(tbl TEXT, date TEXT, micro_ts INTEGER, method TEXT, reply_reason TEXT, "
    "ruri TEXT, ruri_user TEXT, ruri_domain TEXT, from_user TEXT, from_domain TEXT, from_tag TEXT, "
    "to_user TEXT, to_domain TEXT, to_tag TEXT, pid_user TEXT, contact_user TEXT, auth_user TEXT, "
    "callid TEXT, callid_aleg TEXT, via_1 TEXT, via_1_branch TEXT, cseq TEXT, diversion TEXT, "
    "reason TEXT, content_type TEXT, auth TEXT, user_agent TEXT, source_ip TEXT, "
    "source_port INTEGER, destination_ip TEXT, destination_port INTEGER, contact_ip TEXT, "
    "contact_port INTEGER, originator_ip TEXT, originator_port INTEGER, correlation_id TEXT, "
    "custom_field1 TEXT, custom_field2 TEXT, custom_field3 TEXT, proto INTEGER, family INTEGER, "
    "rtp_stat TEXT, type INTEGER, node TEXT, msg BLOB, parse_error TEXT, hep_version INTEGER, "
    "capture_id INTEGER, payload_type INTEGER)";

struct Vtab {
  sqlite3_vtab base{};
  std::string path;
};

struct Cursor {
  sqlite3_vtab_cursor base{};
  std::unique_ptr<store::BlockStore> store;
  std::vector<int64_t> blocks;
  size_t next_block = 0;
  store::LoadedBlock current;
  size_t record = 0;
  bool row_ready = false;
  CaptureRow row;
  bool eof = true;
};

int setError(sqlite3_vtab* vt, const std::string& msg) {
  sqlite3_free(vt->zErrMsg);
  vt->zErrMsg = sqlite3_mprintf("%s", msg.c_str());
  return SQLITE_ERROR;
}

int xConnect(sqlite3* db, void*, int, const char* const*, sqlite3_vtab** out, char** err) {
  int rc = sqlite3_declare_vtab(db, kSchema);
  if (rc != SQLITE_OK) return rc;
  auto* vt = new Vtab();
  const char* file = sqlite3_db_filename(db, "main");
  vt->path = file ? file : "";
  if (vt->path.empty()) {
    delete vt;
    *err = sqlite3_mprintf("siphon_messages: the main database must be a file");
    return SQLITE_ERROR;
  }
  *out = &vt->base;
  return SQLITE_OK;
}

int xDisconnect(sqlite3_vtab* vt) {
  delete reinterpret_cast<Vtab*>(vt);
  return SQLITE_OK;
}

// idxNum 1: callid = ?; 2: correlation_id = ?; 0: scan every block.
int xBestIndex(sqlite3_vtab*, sqlite3_index_info* info) {
  info->idxNum = 0;
  info->estimatedCost = 1e9;
  for (int i = 0; i < info->nConstraint; ++i) {
    const auto& c = info->aConstraint[i];
    if (!c.usable || c.op != SQLITE_INDEX_CONSTRAINT_EQ) continue;
    if (c.iColumn == kCallId || (c.iColumn == kCorrelationId && info->idxNum == 0)) {
      info->idxNum = c.iColumn == kCallId ? 1 : 2;
      info->aConstraintUsage[i].argvIndex = 1;
      info->aConstraintUsage[i].omit = 0;  // SQLite re-checks: hashes may collide
      info->estimatedCost = 10;
      if (c.iColumn == kCallId) break;
    }
  }
  return SQLITE_OK;
}

int xOpen(sqlite3_vtab*, sqlite3_vtab_cursor** out) {
  *out = &(new Cursor())->base;
  return SQLITE_OK;
}

int xClose(sqlite3_vtab_cursor* c) {
  delete reinterpret_cast<Cursor*>(c);
  return SQLITE_OK;
}

// Moves to the next record, loading blocks as needed; sets eof at the end.
int advance(Cursor* c, bool first) {
  c->row_ready = false;
  if (!first) ++c->record;
  while (first || c->record >= c->current.records.size()) {
    first = false;
    if (c->next_block >= c->blocks.size()) {
      c->eof = true;
      return SQLITE_OK;
    }
    auto loaded = c->store->loadBlock(c->blocks[c->next_block++]);
    if (!loaded.has_value()) return setError(c->base.pVtab, loaded.error().message);
    c->current = std::move(*loaded);
    c->record = 0;
  }
  c->eof = false;
  return SQLITE_OK;
}

int xFilter(sqlite3_vtab_cursor* vc, int idx, const char*, int argc, sqlite3_value** argv) {
  auto* c = reinterpret_cast<Cursor*>(vc);
  auto* vt = reinterpret_cast<Vtab*>(vc->pVtab);
  if (!c->store) {
    auto s = store::BlockStore::open(vt->path, {}, /*read_only=*/true);
    if (!s.has_value()) return setError(vc->pVtab, s.error().message);
    c->store = std::move(*s);
  }
  c->blocks.clear();
  c->next_block = 0;
  c->current = {};
  if (idx != 0 && argc == 1) {
    const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    std::string value = text ? text : "";
    std::vector<int64_t> keys = {store::indexKey(store::KeyKind::CallId, value)};
    if (idx == 2) keys.push_back(store::indexKey(store::KeyKind::Correlation, value));
    for (int64_t key : keys) {
      auto found = c->store->blocksForKey(key, 0, 0);
      if (!found.has_value()) return setError(vc->pVtab, found.error().message);
      c->blocks.insert(c->blocks.end(), found->begin(), found->end());
    }
    std::sort(c->blocks.begin(), c->blocks.end());
    c->blocks.erase(std::unique(c->blocks.begin(), c->blocks.end()), c->blocks.end());
  } else {
    auto all = c->store->blocksInRange(0, 0);
    if (!all.has_value()) return setError(vc->pVtab, all.error().message);
    for (auto it = all->rbegin(); it != all->rend(); ++it) c->blocks.push_back(it->id);
  }
  return advance(c, /*first=*/true);
}

int xNext(sqlite3_vtab_cursor* vc) { return advance(reinterpret_cast<Cursor*>(vc), false); }

int xEof(sqlite3_vtab_cursor* vc) { return reinterpret_cast<Cursor*>(vc)->eof ? 1 : 0; }

int xRowid(sqlite3_vtab_cursor* vc, sqlite3_int64* rowid) {
  auto* c = reinterpret_cast<Cursor*>(vc);
  *rowid = (c->current.info.id << 20) | static_cast<int64_t>(c->record);
  return SQLITE_OK;
}

int xColumn(sqlite3_vtab_cursor* vc, sqlite3_context* ctx, int col) {
  auto* c = reinterpret_cast<Cursor*>(vc);
  const auto& meta = c->current.records[c->record];
  if (!c->row_ready) {
    buildCaptureRow(meta, {}, c->row);
    c->row_ready = true;
  }
  const auto& r = c->row;
  const auto& f = r.sip;
  auto text = [&](std::string_view v) {
    sqlite3_result_text(ctx, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  };
  auto integer = [&](int64_t v) { sqlite3_result_int64(ctx, v); };
  switch (col) {
    case kTbl: text(c->current.info.table); break;
    case kDate: text(r.date); break;
    case kMicroTs: integer(r.micro_ts); break;
    case kMethod: text(f.method); break;
    case kReplyReason: text(f.reply_reason); break;
    case kRuri: text(f.ruri); break;
    case kRuriUser: text(f.ruri_user); break;
    case kRuriDomain: text(f.ruri_domain); break;
    case kFromUser: text(f.from_user); break;
    case kFromDomain: text(f.from_domain); break;
    case kFromTag: text(f.from_tag); break;
    case kToUser: text(f.to_user); break;
    case kToDomain: text(f.to_domain); break;
    case kToTag: text(f.to_tag); break;
    case kPidUser: text(f.pid_user); break;
    case kContactUser: text(f.contact_user); break;
    case kAuthUser: text(f.auth_user); break;
    case kCallId: text(f.callid); break;
    case kCallIdAleg: text(f.callid_aleg); break;
    case kVia1: text(f.via_1); break;
    case kVia1Branch: text(f.via_1_branch); break;
    case kCseq: text(f.cseq); break;
    case kDiversion: text(f.diversion); break;
    case kReason: text(f.reason); break;
    case kContentType: text(f.content_type); break;
    case kAuth: text(""); break;
    case kUserAgent: text(f.user_agent); break;
    case kSourceIp: text(r.source_ip); break;
    case kSourcePort: integer(r.source_port); break;
    case kDestinationIp: text(r.destination_ip); break;
    case kDestinationPort: integer(r.destination_port); break;
    case kContactIp: text(f.contact_ip); break;
    case kContactPort: integer(f.contact_port); break;
    case kOriginatorIp: text(f.originator_ip); break;
    case kOriginatorPort: integer(f.originator_port); break;
    case kCorrelationId: text(r.correlation_id); break;
    case kCustom1: text(f.custom_field1); break;
    case kCustom2: text(f.custom_field2); break;
    case kCustom3: text(f.custom_field3); break;
    case kProto: integer(r.proto); break;
    case kFamily: integer(r.family); break;
    case kRtpStat: text(f.rtp_stat); break;
    case kType: integer(r.type); break;
    case kNode: text(r.node); break;
    case kMsg:
      sqlite3_result_blob(ctx, meta.payload.data(), static_cast<int>(meta.payload.size()),
                          SQLITE_TRANSIENT);
      break;
    case kParseError:
      if (r.parse_error) {
        text(sip::sipErrcName(*r.parse_error));
      } else {
        sqlite3_result_null(ctx);
      }
      break;
    case kHepVersion: integer(meta.hep_version); break;
    case kCaptureId: integer(meta.capture_id); break;
    case kPayloadType: integer(meta.payload_type); break;
    default: sqlite3_result_null(ctx); break;
  }
  return SQLITE_OK;
}

sqlite3_module makeModule() {
  sqlite3_module m{};
  m.iVersion = 0;
  m.xCreate = nullptr;  // eponymous only: exists as `siphon_messages` once the module is loaded
  m.xConnect = xConnect;
  m.xBestIndex = xBestIndex;
  m.xDisconnect = xDisconnect;
  m.xDestroy = xDisconnect;
  m.xOpen = xOpen;
  m.xClose = xClose;
  m.xFilter = xFilter;
  m.xNext = xNext;
  m.xEof = xEof;
  m.xColumn = xColumn;
  m.xRowid = xRowid;
  return m;
}

const sqlite3_module kModule = makeModule();

}  // namespace

/// Registers `siphon_messages` on `db` (also used by siphon's own tests).
int registerSiphonMessages(sqlite3* db) {
  return sqlite3_create_module(db, "siphon_messages", &kModule, nullptr);
}

}  // namespace siphon::sink

// The sqlite3 shell runs against the same shared libsqlite3 as this module, so the ordinary
// API is used directly; `api` (sqlite3_api_routines) is therefore not needed.
extern "C" int sqlite3_siphonsqlite_init(sqlite3* db, char** err, const void* /*api*/) {
  int rc = siphon::sink::registerSiphonMessages(db);
  if (rc != SQLITE_OK) *err = sqlite3_mprintf("siphon_sqlite: cannot register siphon_messages");
  return rc;
}
extern "C" int sqlite3_siphon_init(sqlite3* db, char** err, const void* api) {
  return sqlite3_siphonsqlite_init(db, err, api);
}
