-- Lua as scripts use it: its output must equal the same interpreter's
-- built for Linux (test/ports/meson.build). arg[1] is a folder to write
-- files in. Prints nothing that depends on the clock or the machine.
local dir = assert(arg[1], "usage: features.lua DIR")
-- Messages name files in DIR, which differs between the worlds.
local rawprint, dirpat = print, dir:gsub("%p", "%%%0")
print = function(...)
	local n, t = select("#", ...), {...}
	for i = 1, n do t[i] = (tostring(t[i]):gsub(dirpat, "DIR")) end
	rawprint(table.unpack(t, 1, n))
end

print(_VERSION, math.type(1), math.type(1.0), 7 // 2, 7 % -3, 2^10)
print(string.format("%5.2f %d %x %q %s %g", math.pi, -42, 255, "a\n\"b",
	nil, 1e300 * 10))
print(math.maxinteger, math.mininteger, math.maxinteger + 1 ==
	math.mininteger, 0x7fffffffffffffff // -1)
print(math.floor(-3.5), math.ceil(-3.5), math.fmod(-7, 3), math.ult(1, -1),
	math.abs(math.mininteger), math.tointeger(3.0), 3 / 0, -3 / 0)
print(string.format("%.14g %.14g %.14g %.14g", math.sin(1), math.exp(1),
	math.log(10, 2), math.sqrt(2)))
print(tostring(0/0) == tostring(0/0), 1e15, 1e16, 2^53, 0.1 + 0.2)

-- Strings: patterns, gsub, byte/char, pack/unpack, utf8.
local s = "The quick brown fox jumps over the lazy dog"
print(#s, s:upper(), s:find("o", 15), s:match("(%a+) dog"))
print((s:gsub("%w+", function(w) return #w end)))
local words = {}
for w in s:gmatch("%a+") do words[#words + 1] = w end
table.sort(words, function(a, b) return a:lower() < b:lower() end)
print(table.concat(words, ","), select("#", table.unpack(words)))
print(string.pack("<i4 z", 258, "hi"):byte(1, -1))
print(string.unpack("<i4", "\2\1\0\0"), ("x"):rep(3, "-"), s:sub(-3))
print(utf8.char(72, 228, 8364, 128512), utf8.len("h\u{e4}\u{20ac}"),
	#utf8.char(128512))
for p, c in utf8.codes("a\u{e4}\u{20ac}") do io.write(p, ":", c, " ") end
print()

-- Tables, metatables, closures, varargs, goto, integer for loops.
local Vec = {}
Vec.__index = Vec
Vec.__add = function(a, b) return setmetatable({x = a.x + b.x}, Vec) end
Vec.__tostring = function(v) return "Vec(" .. v.x .. ")" end
Vec.__len = function() return 99 end
local v = setmetatable({x = 1}, Vec) + setmetatable({x = 2}, Vec)
print(tostring(v), #v, rawlen(v), rawequal(v, v), getmetatable("").__index
	== string)
local function counter()
	local n = 0
	return function(...) n = n + select("#", ...) return n end
end
local c = counter()
c(1, 2) c(nil, nil, nil)
print(c(), table.pack(1, nil, 3).n)
do
	local i = 1
	::top::
	i = i * 3
	if i < 100 then goto top end
	print("goto", i)
end
local t = {}
for i = 10, 1, -3 do t[#t + 1] = i end
print(table.concat(t, " "), table.remove(t), table.insert(t, 1, 0),
	table.concat(t, " "), next({}))
print(table.concat(table.move({1, 2, 3}, 1, 3, 2, {9}), ","))

-- Coroutines: generators, passing values both ways, wrap, status, close.
local gen = coroutine.create(function(a, b)
	local x = coroutine.yield(a + b)
	local y, z = coroutine.yield(x * 2)
	return y + z, "done"
end)
print(coroutine.resume(gen, 1, 2))
print(coroutine.resume(gen, 10))
print(coroutine.resume(gen, 3, 4))
print(coroutine.resume(gen), coroutine.status(gen))
local function fib()
	return coroutine.wrap(function()
		local a, b = 0, 1
		while true do coroutine.yield(a) a, b = b, a + b end
	end)
end
local f, out = fib(), {}
for _ = 1, 20 do out[#out + 1] = f() end
print(table.concat(out, " "))
local co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
print(coroutine.status(co), coroutine.close(co), coroutine.status(co),
	coroutine.isyieldable(), select(2, coroutine.running()))
local inner = coroutine.wrap(function()
	print("in", coroutine.isyieldable(), select(2, coroutine.running()))
	error({code = 7})
end)
local okc, errc = pcall(inner)
print(okc, type(errc), errc.code)

-- Errors: pcall, error with levels and tables, xpcall with a traceback
-- handler, errors in metamethods, tostring of error objects, assert.
print(pcall(error, "plain"))
print(pcall(error, "no position", 0))
print(pcall(function() error("level 1") end))
print(pcall(function() local x = nil; return x.field end))
print(select(2, pcall(error, setmetatable({}, {__tostring = function()
	return "custom error" end}))))
print(pcall(function() return 1 + {} end))
print(pcall(function() return #nil end))
print(pcall(string.rep))
print(pcall(assert, false, "assertion text"))
print(pcall(assert, 1, 2, 3))
print(xpcall(function() error("deep") end, function(m)
	return "handled: " .. m end))
local ok, tb = xpcall(function() local t = nil; t.x = 1 end,
	debug.traceback)
print(ok, (tb:gsub("\n.*", "")))
print(pcall(function() return setmetatable({}, {__index = function(_, k)
	error("no key " .. k, 2) end}).x end))
-- An error 20,000 Lua calls deep (Lua's own stack; nested C calls, as
-- in its "C stack overflow" check, need more than the 64 KiB main stack
-- of the metal images so far).
local function recurse(n)
	if n == 0 then error("bottom") end
	return recurse(n - 1) + 1
end
print(pcall(recurse, 20000))
print(select("#", pcall(error)), pcall(error, nil))
local ok2, e2 = pcall(function() error({code = 42}) end)
print(ok2, type(e2), e2.code)
print(string.format("%s", tostring(nil)), tostring(true), tonumber("0x10"),
	tonumber("10", 2), tonumber("z", 36), tonumber(" 1e2 "), tonumber("x"))

-- os.time and os.date: fixed dates (TZ=UTC in both worlds), and the
-- clock only checked for being sane.
local t0 = os.time({year = 2024, month = 2, day = 29, hour = 12, min = 30,
	sec = 15})
print(t0, os.date("!%Y-%m-%d %H:%M:%S %A %B %j %p", t0))
print(os.date("!%c|%x|%X|%y|%a %b|%%", 0))
local d = os.date("*t", t0)
print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.wday, d.yday, d.isdst)
local d2 = os.date("!*t", 1700000000)
print(d2.year, d2.month, d2.day, d2.hour, os.time(d2))
print(os.time({year = 2000, month = 13, day = 1, hour = 0}),
	os.time({year = 1970, month = 1, day = 1, hour = 0}),
	os.difftime(t0, 0))
print(os.time() > 1700000000, type(os.clock()), os.clock() >= 0,
	math.type(os.time()))
print(pcall(os.date, "%Ez"), pcall(os.time, {year = 2024}))
print(os.getenv("AMPHI_NO_SUCH_VARIABLE"), type(os.getenv("HOME")))

-- Files on the file system (ramfs on Amphi): write, read back by lines,
-- numbers and sizes, seek, append, rename, remove, errors.
local path = dir .. "/lua-test.txt"
local fh = assert(io.open(path, "w"))
print(io.type(fh), io.type(fh:write("line one\n", 2, " ", 3.5, "\n",
	"last")))
print(fh:seek("cur"), fh:seek("set", 5), io.type(fh:write("ONE")),
	fh:seek("end"))
fh:close()
print(io.type(fh), pcall(fh.write, fh, "x"))
for line in io.lines(path) do io.write("[", line, "]") end
print()
fh = assert(io.open(path, "r"))
print(fh:read("l"), fh:read("n"), fh:read("n"), fh:read(2), fh:read("a"),
	fh:read("a"), fh:read("l"), fh:read(0))
fh:close()
fh = assert(io.open(path, "a+"))
fh:write("\nappended")
fh:seek("set")
print(fh:read("a"))
fh:close()
local big = assert(io.open(dir .. "/lua-big.bin", "wb"))
for i = 1, 5000 do big:write(string.pack("<I4", i * 2654435761 % 2^32)) end
big:close()
big = assert(io.open(dir .. "/lua-big.bin", "rb"))
local data = big:read("a")
print(#data, big:seek("end"), string.unpack("<I4", data, 4997))
big:close()
print(os.rename(path, dir .. "/lua-renamed.txt"))
print(io.open(path), select(3, io.open(path)))
print(os.remove(dir .. "/lua-renamed.txt"), os.remove(dir .. "/lua-big.bin"))
print(select(3, os.remove(dir .. "/lua-renamed.txt")))
print(io.open(dir .. "/no/such/dir/file", "w"))
print(pcall(io.open, path, "rw"))
io.write("io.write ", 1, " ", 2.5, "\n")
io.stdout:write("stdout ok\n")
print(io.type(io.stdout), io.type(io.stderr), io.type(42))

-- The garbage collector and weak tables.
local weak = setmetatable({}, {__mode = "k"})
weak[{}] = 1
collectgarbage()
print(next(weak), collectgarbage("isrunning"), collectgarbage("step") ~= nil)
local tbl = {}
for i = 1, 100000 do tbl[i] = {i} end
tbl = nil
collectgarbage()
print(collectgarbage("count") < 1e5)

-- load, string.dump, environments, require of a module in DIR.
print(load("return 1 + ...")(41), load("syntax error here"))
local env = {x = 5}
print(load("return x", "chunk", "t", env)())
print(load(string.dump(function(a) return a * 2 end), nil, "b")(21))
local mod = assert(io.open(dir .. "/luatestmod.lua", "w"))
mod:write("return {answer = 42, name = ...}")
mod:close()
package.path = dir .. "/?.lua"
local m = require("luatestmod")
print(m.answer, m.name, package.loaded.luatestmod == m,
	select(2, pcall(require, "nosuchmodule")):match("module 'nosuchmodule' not found") ~= nil)
os.remove(dir .. "/luatestmod.lua")
print("end")
