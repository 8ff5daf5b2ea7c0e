-- A GET that carries `Content-Length: 0` (wrk's own request builder drops that header).
local raw
function init(args)
  raw = "GET " .. wrk.path .. " HTTP/1.1\r\nHost: " .. wrk.host .. ":" .. wrk.port .. "\r\nContent-Length: 0\r\n\r\n"
end
function request()
  return raw
end
