/* link-spawn.c: IUT commands started in the link's namespace (as `ip netns
 * exec` would, /sys included), and their process groups stopped. */
#define _GNU_SOURCE
#include "link-int.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/wait.h>

/* Where the child got to when it failed, told through a pipe. */
enum spawn_stage {
	SPAWN_SETSID, SPAWN_OPEN_NETNS, SPAWN_SETNS, SPAWN_UNSHARE_MNT, SPAWN_MNT_SLAVE,
	SPAWN_UMOUNT_SYS, SPAWN_MOUNT_SYS, SPAWN_STDIO, SPAWN_EXEC,
};

static const char *const spawn_what[] = {
	[SPAWN_SETSID] = "setsid",
	[SPAWN_OPEN_NETNS] = "open the namespace",
	[SPAWN_SETNS] = "setns into the namespace",
	[SPAWN_UNSHARE_MNT] = "unshare the mount namespace",
	[SPAWN_MNT_SLAVE] = "make / a slave mount",
	[SPAWN_UMOUNT_SYS] = "unmount /sys",
	[SPAWN_MOUNT_SYS] = "mount the namespace's /sys",
	[SPAWN_STDIO] = "set up stdin, stdout and stderr",
	[SPAWN_EXEC] = "exec /bin/sh",
};

static void __attribute__((noreturn)) spawn_fail(int pipe_fd, enum spawn_stage stage)
{
	int msg[2] = { (int)stage, errno };

	if (write(pipe_fd, msg, sizeof(msg)) < 0)
		_exit(127);
	_exit(127);
}

/* The inherited environment with env's entries added (replacing any of the
 * same name).  Built before fork: the child of a threaded harness may only
 * make system calls. */
static char **spawn_env(char *const *env)
{
	extern char **environ;
	size_t n = 0, m = 0, k = 0;
	char **out;

	while (environ && environ[n])
		n++;
	while (env && env[m])
		m++;
	out = calloc(n + m + 1, sizeof(*out));
	if (!out)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *eq = strchr(environ[i], '=');
		size_t klen = eq ? (size_t)(eq - environ[i]) : strlen(environ[i]);
		bool replaced = false;

		for (size_t j = 0; j < m && !replaced; j++)
			replaced = !strncmp(env[j], environ[i], klen) && env[j][klen] == '=';
		if (!replaced)
			out[k++] = environ[i];
	}
	for (size_t j = 0; j < m; j++)
		out[k++] = env[j];
	return out;
}

pid_t hx_link_spawn(const struct hx_link *l, const char *cmd, char *const *env,
		    const char *log_path, char *err, size_t errlen)
{
	const char *netns = hx_link_netns(l);
	char *argv[] = { "sh", "-c", (char *)cmd, NULL };
	char **envp;
	int in, out, p[2], msg[2];
	unsigned long sys_flags = 0;
	struct statvfs sv;
	ssize_t n;
	pid_t pid;

	if (!cmd) {
		seterr(err, errlen, "no command to start");
		return -1;
	}
	for (char *const *e = env; e && *e; e++) {
		if (!strchr(*e, '=') || **e == '=') {
			seterr(err, errlen, "environment entry '%s' is not K=V", *e);
			return -1;
		}
	}
	if (netns && statvfs("/sys", &sv) == 0 && (sv.f_flag & ST_RDONLY))
		sys_flags = MS_RDONLY;
	in = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (in < 0) {
		seterr(err, errlen, "cannot open /dev/null: %s", strerror(errno));
		return -1;
	}
	out = open(log_path ? log_path : "/dev/null", O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC,
		   0644);
	if (out < 0) {
		seterr(err, errlen, "cannot open log %s: %s", log_path ? log_path : "/dev/null",
		       strerror(errno));
		close(in);
		return -1;
	}
	envp = spawn_env(env);
	if (!envp || pipe2(p, O_CLOEXEC) < 0) {
		seterr(err, errlen, "cannot start '%s': %s", cmd,
		       envp ? strerror(errno) : "out of memory");
		free(envp);
		close(in);
		close(out);
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigset_t none;

		close(p[0]);
		/* The harness's blocked and ignored signals are no business of
		 * the IUT's. */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		for (int s = 1; s < NSIG; s++)
			sigaction(s, &dfl, NULL);
		if (setsid() < 0)
			spawn_fail(p[1], SPAWN_SETSID);
		if (netns) {
			char path[sizeof(NETNS_DIR) + 64];
			int fd;

			/* snprintf is not async-signal-safe: copy by hand. */
			memcpy(path, NETNS_DIR "/", sizeof(NETNS_DIR));
			memcpy(path + sizeof(NETNS_DIR), netns, strlen(netns) + 1);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				spawn_fail(p[1], SPAWN_OPEN_NETNS);
			if (setns(fd, CLONE_NEWNET) < 0)
				spawn_fail(p[1], SPAWN_SETNS);
			close(fd);
			/* As `ip netns exec`: a /sys that shows this namespace's
			 * interfaces, in a mount namespace of the child's own. */
			if (unshare(CLONE_NEWNS) < 0)
				spawn_fail(p[1], SPAWN_UNSHARE_MNT);
			if (mount("", "/", "none", MS_SLAVE | MS_REC, NULL) < 0)
				spawn_fail(p[1], SPAWN_MNT_SLAVE);
			/* EINVAL: no sysfs there to replace, which is fine. */
			if (umount2("/sys", MNT_DETACH) < 0 && errno != EINVAL)
				spawn_fail(p[1], SPAWN_UMOUNT_SYS);
			if (mount(netns, "/sys", "sysfs", sys_flags, NULL) < 0)
				spawn_fail(p[1], SPAWN_MOUNT_SYS);
		}
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
			spawn_fail(p[1], SPAWN_STDIO);
		execve("/bin/sh", argv, envp);
		spawn_fail(p[1], SPAWN_EXEC);
	}
	free(envp);
	close(in);
	close(out);
	close(p[1]);
	if (pid < 0) {
		seterr(err, errlen, "cannot start '%s': fork: %s", cmd, strerror(errno));
		close(p[0]);
		return -1;
	}
	/* EOF: exec closed the pipe, the command runs. */
	do
		n = read(p[0], msg, sizeof(msg));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(msg)) {
		while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
			;
		seterr(err, errlen, "cannot start '%s'%s%s: cannot %s: %s", cmd,
		       netns ? " in namespace " : "", netns ? netns : "",
		       msg[0] >= 0 && msg[0] <= SPAWN_EXEC ? spawn_what[msg[0]] : "?",
		       strerror(msg[1]));
		return -1;
	}
	return pid;
}

/* Is any process of group pgid alive?  Zombies do not count: orphans that
 * no init reaps would otherwise look alive for ever. */
static bool group_alive(pid_t pgid)
{
	DIR *d;
	struct dirent *e;
	bool alive = false;

	if (kill(-pgid, 0) < 0 && errno == ESRCH)
		return false;
	d = opendir("/proc");
	if (!d)
		return true;
	while (!alive && (e = readdir(d))) {
		char path[300], buf[512], *close_paren, state;
		long pgrp;
		ssize_t n;
		int fd;

		if (e->d_name[0] < '1' || e->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/stat", e->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		/* "pid (comm) state ppid pgrp ...": comm may hold anything,
		 * so read from its last ')'. */
		close_paren = strrchr(buf, ')');
		if (!close_paren || sscanf(close_paren + 1, " %c %*d %ld", &state, &pgrp) != 2)
			continue;
		alive = pgrp == pgid && state != 'Z' && state != 'X';
	}
	closedir(d);
	return alive;
}

bool hx_kill_group(pid_t pid, unsigned grace_ms)
{
	uint64_t end = hx_now_ns() + (uint64_t)grace_ms * 1000000ull;
	bool reaped = false;

	if (pid <= 0)
		return true;
	kill(-pid, SIGTERM);
	for (;;) {
		if (!reaped) {
			pid_t r = waitpid(pid, NULL, WNOHANG);
			reaped = r == pid || (r < 0 && errno == ECHILD);
		}
		if (reaped && !group_alive(pid))
			return true;
		if (hx_now_ns() >= end)
			break;
		link_sleep_ms(2);
	}
	kill(-pid, SIGKILL);
	while (!reaped) {
		pid_t r = waitpid(pid, NULL, 0);
		reaped = r == pid || (r < 0 && errno != EINTR);
	}
	return false;
}
