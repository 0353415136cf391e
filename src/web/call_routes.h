#pragma once
// The routes of one call, every leg joined (query::assembleCall):
//   GET /api/v1/call               the messages as records with "id" and "msg"
//   GET /api/v1/call/ladder        format=json (default) | svg | html
//   GET /api/v1/call/export.pcap   the call as a pcap download (query::PcapBuilder)
//   GET /api/v1/call/export.txt    the messages as text, one header line each
// Each takes call_id=X or correlation=Y, and since/until. Nothing found is a 404. These need
// the embedded store; over another store they answer 501.

namespace httplib {
class Server;
}

namespace siphon::web {

class StoreAccess;

/// Registers the routes; `store` must outlive the server.
void addCallRoutes(httplib::Server& server, const StoreAccess& store);

}  // namespace siphon::web
