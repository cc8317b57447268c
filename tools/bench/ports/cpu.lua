-- A fixed CPU-bound Lua workload (tools/bench/ports): calls, tables,
-- strings, closures, floating point. Prints a checksum so both worlds
-- are seen to do the same work.
local function fib(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end

local function sieve(n)
	local composite, count = {}, 0
	for i = 2, n do
		if not composite[i] then
			count = count + 1
			for j = i * i, n, i do composite[j] = true end
		end
	end
	return count
end

local function strings(n)
	local parts = {}
	for i = 1, n do parts[#parts + 1] = string.format("%d:%x", i, i * 31) end
	local s = table.concat(parts, ",")
	local sum = 0
	for a, b in s:gmatch("(%d+):(%x+)") do sum = sum + a + tonumber(b, 16) end
	return sum + #s
end

local function mandel(size)
	local inside = 0
	for y = 0, size - 1 do
		local ci = 2 * y / size - 1
		for x = 0, size - 1 do
			local cr, zr, zi, k = 2.5 * x / size - 2, 0.0, 0.0, 0
			while k < 50 and zr * zr + zi * zi < 4 do
				zr, zi = zr * zr - zi * zi + cr, 2 * zr * zi + ci
				k = k + 1
			end
			if k == 50 then inside = inside + 1 end
		end
	end
	return inside
end

local function sorting(n)
	local t, seed = {}, 42
	for i = 1, n do seed = (seed * 1103515245 + 12345) % 2147483648; t[i] = seed end
	table.sort(t)
	local ok = 0
	for i = 2, n do if t[i - 1] <= t[i] then ok = ok + 1 end end
	return ok
end

local scale = tonumber(arg and arg[1]) or 1
local sum = 0
for _ = 1, scale do
	sum = sum + fib(27) + sieve(1000000) + strings(100000) + mandel(250) +
		sorting(200000)
end
print("checksum", sum)
