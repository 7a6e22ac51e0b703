-- GET /api/v1/petitions/<code> with its secret, drawn uniformly from the
-- file given as argument ("CODE SECRET" a line).
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local codes, secrets, n = {}, {}, 0
function init(args)
  for line in io.lines(args[1]) do
    local c, s = line:match("^(%S+)%s+(%S+)$")
    if c then
      n = n + 1
      codes[n], secrets[n] = c, s
    end
  end
  math.randomseed(os.time() * 100 + (tid or 0))
end
request = function()
  local i = math.random(1, n)
  return wrk.format("GET", "/api/v1/petitions/" .. codes[i], {["X-Tracking-Secret"] = secrets[i]})
end
