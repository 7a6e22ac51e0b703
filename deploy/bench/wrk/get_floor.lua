-- GET /p/<code>, codes drawn uniformly from the file given as argument.
local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local codes, n = {}, 0
function init(args)
  for line in io.lines(args[1]) do
    n = n + 1
    codes[n] = line
  end
  math.randomseed(os.time() * 100 + (tid or 0))
end
request = function()
  return wrk.format("GET", "/p/" .. codes[math.random(1, n)])
end
