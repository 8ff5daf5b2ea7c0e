-- Paced load: each connection sends its next request 0–100 ms (50 on average, drawn at random so that the
-- connections do not move in step) after the last answer, so 1 000 connections offer about 20 000 requests/s,
-- less than either server can answer. wrk's latency is then how long an answer takes,
-- not how long a queue is: with every connection always waiting (wrk's default), Little's law makes the mean
-- latency connections / throughput whatever the server does (1 000 / 100 000 requests/s = 10 ms).
-- `-- content-length-0` after the URL sends the GETs with `Content-Length: 0` (the worker path; see
-- content-length-0.lua).
local raw
function init(args)
  math.randomseed(os.time())
  local extra = args[1] == "content-length-0" and "Content-Length: 0\r\n" or ""
  raw = "GET " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port .. "\r\n" .. extra .. "\r\n"
end
function request()
  return raw
end
function delay()
  return math.random(0, 100)
end
