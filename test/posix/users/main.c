/*
 * posix-user: root (uid 0, gid 0) and its group, looked up by name and by
 * id through the reentrant and the plain calls; unknown names and ids are
 * "not found" (a null result), a short buffer is ERANGE.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <stdio.h>
#include "../posix-check.h"

static void check_passwd(void)
{
	struct passwd pw, *res = NULL, *p;
	char buf[1024], tiny[4];
	int rc;

	CHECK(getpwnam_r("root", &pw, buf, sizeof(buf), &res) == 0);
	CHECK(res == &pw);
	if (res) {
		CHECK(strcmp(pw.pw_name, "root") == 0);
		CHECK(pw.pw_uid == 0 && pw.pw_gid == 0);
		CHECK(pw.pw_dir && pw.pw_dir[0] == '/');
		CHECK(pw.pw_shell && pw.pw_shell[0] == '/');
	}
	res = NULL;
	CHECK(getpwuid_r(0, &pw, buf, sizeof(buf), &res) == 0);
	CHECK(res == &pw && strcmp(pw.pw_name, "root") == 0);

	res = &pw;
	rc = getpwnam_r("no-such-user-amphi", &pw, buf, sizeof(buf), &res);
	CHECK((rc == 0 || rc == ENOENT) && res == NULL);
	res = &pw;
	rc = getpwuid_r(424242, &pw, buf, sizeof(buf), &res);
	CHECK((rc == 0 || rc == ENOENT) && res == NULL);

	res = &pw;
	CHECK(getpwnam_r("root", &pw, tiny, sizeof(tiny), &res) == ERANGE);
	CHECK(res == NULL);

	p = getpwnam("root");
	CHECK(p && p->pw_uid == 0);
	p = getpwuid(0);
	CHECK(p && strcmp(p->pw_name, "root") == 0);
	CHECK(getpwnam("no-such-user-amphi") == NULL);
}

static void check_group(void)
{
	struct group gr, *res = NULL, *g;
	char buf[1024], tiny[4];
	int rc;

	CHECK(getgrnam_r("root", &gr, buf, sizeof(buf), &res) == 0);
	CHECK(res == &gr && gr.gr_gid == 0);
	CHECK(res && strcmp(gr.gr_name, "root") == 0);
	CHECK(res && gr.gr_mem != NULL);
	res = NULL;
	CHECK(getgrgid_r(0, &gr, buf, sizeof(buf), &res) == 0);
	CHECK(res == &gr && strcmp(gr.gr_name, "root") == 0);

	res = &gr;
	rc = getgrnam_r("no-such-group-amphi", &gr, buf, sizeof(buf), &res);
	CHECK((rc == 0 || rc == ENOENT) && res == NULL);
	res = &gr;
	rc = getgrgid_r(424242, &gr, buf, sizeof(buf), &res);
	CHECK((rc == 0 || rc == ENOENT) && res == NULL);

	res = &gr;
	CHECK(getgrnam_r("root", &gr, tiny, sizeof(tiny), &res) == ERANGE);
	CHECK(res == NULL);

	g = getgrnam("root");
	CHECK(g && g->gr_gid == 0);
	g = getgrgid(0);
	CHECK(g && strcmp(g->gr_name, "root") == 0);
	CHECK(getgrgid(424242) == NULL);
}

/* Walking the whole database finds root too. */
static void check_walk(void)
{
	struct passwd *p;
	struct group *g;
	int root = 0;

	setpwent();
	while ((p = getpwent()))
		root |= p->pw_uid == 0 && !strcmp(p->pw_name, "root");
	endpwent();
	CHECK(root);
	root = 0;
	setgrent();
	while ((g = getgrent()))
		root |= g->gr_gid == 0 && !strcmp(g->gr_name, "root");
	endgrent();
	CHECK(root);
}

int main(void)
{
	check_passwd();
	check_group();
	check_walk();
	return posix_check_summary();
}
