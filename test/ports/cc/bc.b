/* GNU bc's math library and arbitrary precision, through amphi-cc. */
scale = 40
4 * a(1)
e(1)
l(10)
s(1) ^ 2 + c(1) ^ 2
sqrt(2)
2 ^ 256
scale = 0
3 ^ 200 % 1000007
define f(n) {
	if (n < 2) return (1)
	return (n * f(n - 1))
}
f(60)
obase = 16
255 * 255
quit
