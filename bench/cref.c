// The C reference of `npm run bench`: what the kernel costs with nothing on top. It receives dumps
// without decoding them (it only walks the message headers to find the end), adds routes one at a
// time waiting for each ACK or many per write, and produces route changes as fast as it can for the
// events benchmark. Compiled by bench/bench.ts with `cc -O2` when a C compiler is present.
//
//   cref dump NS route|link FAMILY TABLE RUNS   one JSON line: first dump, median of the rest
//   cref add NS OIF TABLE N PER_WRITE ROUNDS    adds N /32s of 198.18.0.0/15, deletes them; per round
//   cref fill NS OIF TABLE N FIRST              adds N /32s from address index FIRST, 100 per write
//   cref produce NS OIF TABLE N                 adds then deletes N routes, 100 per write, timed
//   cref faults MB                              touches MB of fresh memory: the cost of a page fault
//
// Built also as a shared object (-DCREF_LIB, bench/.build/cref.so): bench/worker.ts loads it through
// ffi-rs to take turns with the library dump by dump in one process (cref_open, cref_dump below).
//
// The socket is set up as the library sets up its own: 8 MiB receive queue, extended ACKs, strict
// dump checking, bound and connected to the kernel, 1 MiB read buffer.

#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NETLINK_GET_STRICT_CHK
#define NETLINK_GET_STRICT_CHK 12
#endif

static int fd;
static uint32_t seq = 1;
static unsigned char rbuf[1 << 20];

static void die(const char *what) {
  perror(what);
  exit(2);
}

// CPU time of this process (user + system), ms: on a shared machine a steadier figure than wall time.
static double cpu_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Minor page faults of this process so far: memory it touched for the first time.
static long minflt(void) {
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_minflt;
}

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void open_socket(const char *ns) {
  char path[256];
  snprintf(path, sizeof path, "/run/netns/%s", ns);
  int nsfd = open(path, O_RDONLY | O_CLOEXEC);
  if (nsfd < 0) die("open netns");
  if (setns(nsfd, CLONE_NEWNET) < 0) die("setns");
  close(nsfd);
  fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) die("socket");
  int v = 8 << 20;
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &v, sizeof v) < 0) die("SO_RCVBUFFORCE");
  v = 1;
  setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &v, sizeof v);
  setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &v, sizeof v);
  struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("bind");
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) die("connect");
}

// Appends one attribute to the message at m.
static void attr(struct nlmsghdr *m, int type, const void *data, int len) {
  struct rtattr *a = (struct rtattr *)((char *)m + NLMSG_ALIGN(m->nlmsg_len));
  a->rta_type = type;
  a->rta_len = RTA_LENGTH(len);
  memcpy(RTA_DATA(a), data, len);
  m->nlmsg_len = NLMSG_ALIGN(m->nlmsg_len) + RTA_ALIGN(a->rta_len);
}

// Receives until NLMSG_DONE (or an error); counts data messages and bytes; never decodes them.
static long receive_dump(long *bytes) {
  long msgs = 0;
  *bytes = 0;
  for (;;) {
    ssize_t n = recv(fd, rbuf, sizeof rbuf, 0);
    if (n < 0) die("recv");
    *bytes += n;
    for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_type == NLMSG_DONE) return msgs;
      if (h->nlmsg_type == NLMSG_ERROR) {
        fprintf(stderr, "dump error %d\n", ((struct nlmsgerr *)NLMSG_DATA(h))->error);
        exit(3);
      }
      msgs++;
    }
  }
}

static long dump_once(int route, int family, uint32_t table, long *bytes) {
  struct {
    struct nlmsghdr h;
    char body[256];
  } req;
  memset(&req, 0, sizeof req);
  req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  req.h.nlmsg_seq = ++seq;
  if (route) {
    req.h.nlmsg_type = RTM_GETROUTE;
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
    struct rtmsg *r = NLMSG_DATA(&req.h);
    r->rtm_family = family;
    if (table) attr(&req.h, RTA_TABLE, &table, 4);
  } else {
    req.h.nlmsg_type = RTM_GETLINK;
    req.h.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
    ((struct ifinfomsg *)NLMSG_DATA(&req.h))->ifi_family = family;
  }
  if (send(fd, &req, req.h.nlmsg_len, 0) < 0) die("send");
  return receive_dump(bytes);
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *xs, int n) {
  qsort(xs, n, sizeof *xs, cmp);
  return xs[n / 2];
}

// Builds the request adding (or deleting) the /32 at address index i of 198.18.0.0/15.
static int route_msg(char *at, int del, uint32_t i, uint32_t oif, uint32_t table) {
  struct nlmsghdr *h = (struct nlmsghdr *)at;
  memset(h, 0, NLMSG_LENGTH(sizeof(struct rtmsg)));
  h->nlmsg_len = NLMSG_LENGTH(sizeof(struct rtmsg));
  h->nlmsg_type = del ? RTM_DELROUTE : RTM_NEWROUTE;
  h->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (del ? 0 : NLM_F_CREATE | NLM_F_EXCL);
  h->nlmsg_seq = ++seq;
  struct rtmsg *r = NLMSG_DATA(h);
  r->rtm_family = AF_INET;
  r->rtm_dst_len = 32;
  r->rtm_table = table < 256 ? table : RT_TABLE_UNSPEC;
  r->rtm_protocol = del ? 0 : RTPROT_BOOT;
  r->rtm_scope = del ? RT_SCOPE_NOWHERE : RT_SCOPE_LINK;
  r->rtm_type = del ? 0 : RTN_UNICAST;
  uint32_t dst = htonl((198u << 24) | ((18u << 16) + i));
  attr(h, RTA_DST, &dst, 4);
  if (table >= 256) attr(h, RTA_TABLE, &table, 4);
  attr(h, RTA_OIF, &oif, 4);
  return NLMSG_ALIGN(h->nlmsg_len);
}

// Sends routes [first, first+n) in writes of per_write requests, reading every ACK after each write.
static void change_routes(int del, uint32_t first, uint32_t n, uint32_t per_write, uint32_t oif, uint32_t table) {
  static char wbuf[1 << 20];
  for (uint32_t i = 0; i < n;) {
    int len = 0;
    uint32_t k = 0;
    for (; k < per_write && i < n; k++, i++) len += route_msg(wbuf + len, del, first + i, oif, table);
    if (send(fd, wbuf, len, 0) != len) die("send");
    for (uint32_t acks = 0; acks < k;) {
      ssize_t got = recv(fd, rbuf, sizeof rbuf, 0);
      if (got < 0) die("recv");
      for (struct nlmsghdr *h = (struct nlmsghdr *)rbuf; NLMSG_OK(h, got); h = NLMSG_NEXT(h, got)) {
        if (h->nlmsg_type != NLMSG_ERROR) continue;
        int err = ((struct nlmsgerr *)NLMSG_DATA(h))->error;
        if (err) {
          fprintf(stderr, "%s route: error %d\n", del ? "delete" : "add", err);
          exit(3);
        }
        acks++;
      }
    }
  }
}

// In-process use: opens the socket in namespace NS from the calling thread, then returns that
// thread to its own namespace. Returns the socket.
int cref_open(const char *ns) {
  int self = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (self < 0) die("open own netns");
  open_socket(ns);
  if (setns(self, CLONE_NEWNET) < 0) die("setns back");
  close(self);
  return fd;
}

// In-process use: one dump (route: of TABLE, family FAMILY; else links), received and not decoded;
// returns its wall time in ms.
double cref_dump(int route, int family, uint32_t table) {
  long bytes;
  double t0 = now_ms();
  dump_once(route, family, table, &bytes);
  return now_ms() - t0;
}

// In-process use: adds the /32s [first, first+n) one per write, each ACK read before the next
// (timed), then deletes them 100 per write (not timed); returns the adds' wall time in ms.
double cref_adds(uint32_t first, uint32_t n, uint32_t oif, uint32_t table) {
  double t0 = now_ms();
  change_routes(0, first, n, 1, oif, table);
  double ms = now_ms() - t0;
  change_routes(1, first, n, 100, oif, table);
  return ms;
}

#ifndef CREF_LIB
int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: see the comment at the top of cref.c\n");
    return 1;
  }
  if (!strcmp(argv[1], "faults")) {
    // What one page fault costs on this machine: fresh anonymous memory touched once per page.
    size_t bytes = strtoul(argv[2], 0, 10) << 20;
    long page = sysconf(_SC_PAGESIZE), f0 = minflt();
    double t0 = now_ms();
    volatile char *m = mmap(0, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) die("mmap");
    for (size_t i = 0; i < bytes; i += page) m[i] = 1;
    double ms = now_ms() - t0;
    long faults = minflt() - f0;
    printf("{\"pages\":%zu,\"faults\":%ld,\"ms\":%.3f,\"us_per_fault\":%.3f}\n", bytes / page, faults, ms, ms * 1e3 / (faults > 0 ? faults : 1));
    return 0;
  }
  open_socket(argv[2]);
  if (!strcmp(argv[1], "dump") && argc == 7) {
    int route = !strcmp(argv[3], "route");
    int family = atoi(argv[4]);
    uint32_t table = strtoul(argv[5], 0, 10);
    int runs = atoi(argv[6]);
    double *t = calloc(runs, sizeof *t);
    double *c = calloc(runs, sizeof *c);
    double *f = calloc(runs, sizeof *f);
    long msgs = 0, bytes = 0;
    for (int i = 0; i < runs; i++) {
      long f0 = minflt();
      double c0 = cpu_ms();
      double t0 = now_ms();
      msgs = dump_once(route, family, table, &bytes);
      t[i] = now_ms() - t0;
      c[i] = cpu_ms() - c0;
      f[i] = minflt() - f0;
    }
    double first = t[0];
    printf("{\"messages\":%ld,\"bytes\":%ld,\"first_ms\":%.3f,\"median_ms\":%.3f,\"first_cpu_ms\":%.3f,\"median_cpu_ms\":%.3f,\"first_faults\":%.0f,\"median_faults\":%.0f}\n",
           msgs, bytes, first, runs > 1 ? median(t + 1, runs - 1) : first, c[0], runs > 1 ? median(c + 1, runs - 1) : c[0], f[0], runs > 1 ? median(f + 1, runs - 1) : f[0]);
    return 0;
  }
  if (!strcmp(argv[1], "add") && argc == 8) {
    uint32_t oif = strtoul(argv[3], 0, 10), table = strtoul(argv[4], 0, 10);
    uint32_t n = strtoul(argv[5], 0, 10), per = strtoul(argv[6], 0, 10);
    int rounds = atoi(argv[7]);
    printf("{\"add_us\":[");
    for (int r = 0; r < rounds; r++) {
      double t0 = now_ms();
      change_routes(0, 0, n, per, oif, table);
      double t1 = now_ms();
      change_routes(1, 0, n, per, oif, table);
      printf("%s%.4f", r ? "," : "", (t1 - t0) * 1e3 / n);
    }
    printf("]}\n");
    return 0;
  }
  if (!strcmp(argv[1], "fill") && argc == 7) {
    uint32_t oif = strtoul(argv[3], 0, 10), table = strtoul(argv[4], 0, 10);
    uint32_t n = strtoul(argv[5], 0, 10), first = strtoul(argv[6], 0, 10);
    change_routes(0, first, n, 100, oif, table);
    return 0;
  }
  if (!strcmp(argv[1], "produce") && argc == 6) {
    uint32_t oif = strtoul(argv[3], 0, 10), table = strtoul(argv[4], 0, 10);
    uint32_t n = strtoul(argv[5], 0, 10);
    double t0 = now_ms();
    change_routes(0, 0, n, 100, oif, table);
    change_routes(1, 0, n, 100, oif, table);
    double ms = now_ms() - t0;
    printf("{\"changes\":%u,\"ms\":%.3f,\"per_second\":%.0f}\n", 2 * n, ms, 2 * n / ms * 1e3);
    return 0;
  }
  fprintf(stderr, "bad arguments\n");
  return 1;
}
#endif
