// dsql/client.hpp - the application side: connect as a declared role
// (dsql/client/connect.hpp), a pool of such connections (dsql/client/pool.hpp) and the
// OCC retry helper (dsql/client/retry.hpp), and checked statements run on a connection
// of their role (dsql/client/exec.hpp: dsql::exec, dsql::client::work). CMake target dsql::client.
#pragma once

#include "dsql/client/connect.hpp"
#include "dsql/client/pool.hpp"
#include "dsql/client/retry.hpp"
#include "dsql/client/sqlstate.hpp"
#include "dsql/client/exec.hpp"
