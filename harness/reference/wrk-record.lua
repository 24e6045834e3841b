-- The closed-loop reference for the cross-check (harness/reference/wrk-load.ts): wrk, run with
-- one connection per thread (-t N -c N), so each thread's request() and response() calls
-- alternate and every request can be matched to its outcome. wrk reports no time for a failed
-- request: a request() with no response() before the thread's next request() failed (wrk
-- reconnected), and its end is that next write, when wrk had noticed by.
-- Thread 0's first request() is wrk checking the script, before any connection: not a request.
-- Arguments after --: originNs (the shared CLOCK_MONOTONIC origin), colour header, success range.
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec_t;
  int clock_gettime(int clk, timespec_t *tp);
]]
local CLOCK_MONOTONIC = 1
local ts = ffi.new("timespec_t")

local threads = {}
local nextId = 0

function setup(thread)
  thread:set("id", nextId)
  nextId = nextId + 1
  table.insert(threads, thread)
end

local origin, colourHeader, okMin, okMax
rows = {} -- global: done() reads it with thread:get
local conn, served, pendingStart = 0, 0, nil

-- µs since the origin (origin in ns fits a double exactly: < 2^53)
local function since()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, ts)
  return (tonumber(ts.tv_sec) * 1e9 + tonumber(ts.tv_nsec) - origin) / 1000
end

function init(args)
  origin = tonumber(args[1])
  colourHeader = string.lower(args[2] or "x-served-by")
  okMin, okMax = tonumber(args[3] or 200), tonumber(args[4] or 399)
end

local verified = false

function request()
  -- wrk calls thread 0's request() once before any connection, to check what it returns
  if id == 0 and not verified then
    verified = true
    return wrk.request()
  end
  local now = since()
  if pendingStart ~= nil then
    -- no response since the last write: wrk saw a read or write error and reconnected
    rows[#rows + 1] = string.format("%.1f %.1f 0 0 %d %d 0", pendingStart, now, id * 100000 + conn, served > 0 and 1 or 0)
    conn, served = conn + 1, 0
  end
  pendingStart = now
  return wrk.request()
end

function response(status, headers, body)
  local now = since()
  local colour = 0
  for name, value in pairs(headers) do
    if string.lower(name) == colourHeader then
      if string.find(value, "blue") then colour = 1 elseif string.find(value, "green") then colour = 2 end
    end
  end
  local ok = (status >= okMin and status <= okMax) and 1 or 0
  rows[#rows + 1] = string.format("%.1f %.1f %d %d %d %d %d", pendingStart or now, now, ok, status, id * 100000 + conn, served > 0 and 1 or 0, colour)
  served = served + 1
  pendingStart = nil
  -- wrk reconnects after a response that closes the connection
  local c = headers["Connection"] or headers["connection"]
  if c ~= nil and string.find(string.lower(c), "close") then conn, served = conn + 1, 0 end
end

function done(summary, latency, requests)
  io.write("--- records\n")
  for _, t in ipairs(threads) do
    local r = t:get("rows")
    for i = 1, #r do io.write(r[i], "\n") end
  end
  local e = summary.errors
  io.write(string.format("--- done %d %d %d %d %d %d\n", summary.requests, e.connect, e.read, e.write, e.status, e.timeout))
end
