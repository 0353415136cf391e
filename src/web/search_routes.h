#pragma once
// GET /api/v1/search (filters, newest first, offset pages) and GET /api/v1/message/{id}.

namespace httplib {
class Server;
}

namespace siphon::web {

class StoreAccess;

/// Registers the routes; `store` must outlive the server.
void addSearchRoutes(httplib::Server& server, const StoreAccess& store);

}  // namespace siphon::web
