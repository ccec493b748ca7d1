// SPDX-License-Identifier: GPL-2.0
/*
 * The init of the arm64 test guest (tests/arm64.sh): a static program in an
 * initramfs with the statically linked Landlock kselftests and a static
 * busybox (for the tests' system("ip ...")).  Moves everything to a tmpfs
 * made the root (pivot_root(2), which fs_test uses, refuses the initramfs
 * root), mounts what the tests use, runs each command listed in /selftests/list (a program of
 * /selftests and its arguments, separated by spaces) from /selftests (their
 * output goes to the serial console), prints
 * "ARM64-DONE", and powers off.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static void run(char *const line)
{
	char path[256], *argv[16], *save = NULL, *name;
	int status, argc = 0;
	pid_t pid;

	printf("ARM64-RUN %s\n", line);
	fflush(stdout);
	for (name = strtok_r(line, " ", &save); name && argc < 15;
	     name = strtok_r(NULL, " ", &save))
		argv[argc++] = name;
	argv[argc] = NULL;
	name = argv[0];
	snprintf(path, sizeof(path), "./%s", name);
	pid = fork();
	if (pid == 0) {
		execv(path, argv);
		perror(path);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		printf("ARM64-EXIT %s error\n", name);
	else if (WIFEXITED(status))
		printf("ARM64-EXIT %s %d\n", name, WEXITSTATUS(status));
	else
		printf("ARM64-EXIT %s signal %d\n", name, WTERMSIG(status));
	fflush(stdout);
}

/* Copies the directory tree @from into @to (regular files, links, dirs). */
static int copy_tree(const char *const from, const char *const to)
{
	char src[512], dst[512], buf[65536];
	struct dirent *entry;
	struct stat st;
	DIR *dir;
	int in, out, err = 0;
	ssize_t n;

	dir = opendir(from);
	if (!dir)
		return -1;
	while (!err && (entry = readdir(dir))) {
		if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..") ||
		    !strcmp(entry->d_name, "newroot"))
			continue;
		snprintf(src, sizeof(src), "%s/%s", from, entry->d_name);
		snprintf(dst, sizeof(dst), "%s/%s", to, entry->d_name);
		if (lstat(src, &st))
			return -1;
		if (S_ISDIR(st.st_mode)) {
			err = (mkdir(dst, st.st_mode & 07777) && errno != EEXIST) ||
			      copy_tree(src, dst);
		} else if (S_ISLNK(st.st_mode)) {
			n = readlink(src, buf, sizeof(buf) - 1);
			buf[n > 0 ? n : 0] = '\0';
			err = n <= 0 || symlink(buf, dst);
		} else if (S_ISREG(st.st_mode)) {
			in = open(src, O_RDONLY);
			out = open(dst, O_WRONLY | O_CREAT | O_TRUNC, st.st_mode & 07777);
			err = in < 0 || out < 0;
			while (!err && (n = read(in, buf, sizeof(buf))) > 0)
				err = write(out, buf, n) != n;
			close(in);
			close(out);
		}
	}
	closedir(dir);
	return err ? -1 : 0;
}

int main(void)
{
	char line[256];
	FILE *list;

	/* A tmpfs root, with everything of the initramfs. */
	mkdir("/newroot", 0755);
	if (mount("root", "/newroot", "tmpfs", 0, "mode=0755") || copy_tree("/", "/newroot") ||
	    chdir("/newroot") || mount(".", "/", NULL, MS_MOVE, NULL) || chroot(".") || chdir("/"))
		puts("ARM64-ERROR cannot make a tmpfs root");
	setenv("PATH", "/bin:/sbin:/usr/bin:/usr/sbin", 1);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/dev", 0755);
	mkdir("/tmp", 01777);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sys", "/sys", "sysfs", 0, NULL);
	mount("dev", "/dev", "devtmpfs", 0, NULL);
	mount("tmp", "/tmp", "tmpfs", 0, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (chdir("/selftests") || !(list = fopen("list", "r"))) {
		puts("ARM64-ERROR no /selftests/list");
	} else {
		while (fgets(line, sizeof(line), list)) {
			line[strcspn(line, "\n")] = '\0';
			if (line[0])
				run(line);
		}
		fclose(list);
	}
	puts("ARM64-DONE");
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}
