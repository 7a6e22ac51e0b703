-- POST /api/v1/petitions: a petition of the floor's size, each one unique
-- (content and phone carry the thread and a counter), so none is a
-- duplicate of another. Argument: the topic id.
local counter, n = 0, 0
function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end
local topic, run
function init(args)
  topic = args[1] or "1"
  run = tostring(os.time())
end
local text = string.rep("Đèn đường ở ngõ 12 phố Bà Triệu đã hỏng hơn một tuần. ", 10):sub(1, 460)
request = function()
  n = n + 1
  local body = '{"kind":"phan_anh","topic_id":' .. topic .. ',"title":"Đèn đường hỏng","content":"' .. text ..
    ' (' .. run .. '-' .. tid .. '-' .. n .. ')","place":"Ngõ 12 phố Bà Triệu","name":"Nguyễn Thị Hằng","phone":"09' ..
    string.format("%08d", (tid * 10000000 + n) % 100000000) .. '","consent":true}'
  return wrk.format("POST", "/api/v1/petitions", {["Content-Type"] = "application/json"}, body)
end
