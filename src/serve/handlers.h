// The routes of the service (Routes() in server.h lists them) and their handlers.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "serve/server.h"

namespace httplib {
class Server;
}

namespace loket::serve {

class DecisionLog;
class Metrics;
struct Snapshot;
struct WebAssets;

// What the handlers need from the server; every member outlives the httplib::Server.
struct Handlers {
  const ServeOptions& options;
  std::function<std::shared_ptr<const Snapshot>()> current;  // null while the first load runs
  Metrics& metrics;
  DecisionLog* log;  // null: no decision log
  std::function<bool(std::string& errors)> reload;
  const std::string& admin_token;        // empty: reload over HTTP is disabled
  std::shared_ptr<const WebAssets> web;  // the page's bundle, read at start
};

void InstallRoutes(httplib::Server& http, const Handlers& handlers);
// The httplib pattern of a route path: `{name}` becomes a capture of one path segment.
std::string RoutePattern(const char* path);
// The route the request on this thread matched ("unmatched" before routing), for metrics.
extern thread_local const char* t_current_route;

// docs/openapi.yaml as built into the program (GET /v1/openapi.yaml).
const char* OpenApiYaml();

}  // namespace loket::serve
