/* The default app: greets, and shows what it was given. */
#include <stdio.h>

int main(int argc, char *argv[])
{
	int i;

	printf("Hello from Amphi!\n");
	for (i = 1; i < argc; i++)
		printf("argv[%d] = \"%s\"\n", i, argv[i]);
	return 0;
}
