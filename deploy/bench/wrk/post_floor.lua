-- POST /p to the floor: a fixed ~580-byte JSON petition (text = 500 bytes).
local text = string.rep("Potholes on Main Street near the school make the crossing unsafe. ", 8):sub(1, 500)
wrk.method = "POST"
wrk.path   = "/p"
wrk.headers["Content-Type"] = "application/json"
wrk.body   = '{"name":"Jane Q. Citizen","phone":"+1-555-0100","category":"roads","text":"' .. text .. '"}'
