/*
 * The line protocol between the orchestrator and a worker, on a channel of
 * its own: descriptor 3 into the worker and 4 out of it (close on exec, so no
 * program a child runs can write into it; the worker's stdin, stdout and
 * stderr are /dev/null, where whatever that program prints goes).
 *
 *     -> ready rss_kb=N maps=N thp_bytes=N child_pte_kb=N threads=N child_threads=N
 *        (or "skip REASON" / "fail REASON"; threads: the worker's, its extra
 *        threads and creator threads included; child_threads: a fork child's)
 *     <- run N        -> N lines per creator
 *                        "s 0 CREATE START COW ROUNDTRIP CMIN CMAJ PMIN PMAJ CREATOR"
 *                        (nanoseconds, "-" where a phase does not apply; with
 *                        several creators, creator 0's N lines, then creator 1's ...), then
 *                        "end clone=SYSCALL thp_bytes=N" (the heap's huge pages now:
 *                        a parent's writes after fork split them)
 *     <- count N      -> the same with the events open: "s 1 ... V/E/R ..." per event
 *                        (creator 0's: the other creators' events are "-")
 *     <- quit
 *
 * Both sides print and scan with the formats below, so they cannot drift apart.
 */
#ifndef SPAWNBENCH_PROTOCOL_H
#define SPAWNBENCH_PROTOCOL_H

#include <inttypes.h>

#define PROTOCOL_IN_FD 3
#define PROTOCOL_OUT_FD 4

#define PROTOCOL_READY "ready rss_kb=%lu maps=%u thp_bytes=%" PRIu64 " child_pte_kb=%lu threads=%u child_threads=%lu\n"
#define PROTOCOL_READY_SCAN "ready rss_kb=%lu maps=%u thp_bytes=%" SCNu64 " child_pte_kb=%lu threads=%u child_threads=%lu"
#define PROTOCOL_SKIP "skip "
#define PROTOCOL_FAIL "fail "
#define PROTOCOL_RUN "run %lu\n"
#define PROTOCOL_COUNT "count %lu\n"
#define PROTOCOL_QUIT "quit\n"
#define PROTOCOL_SAMPLE "s %d"
#define PROTOCOL_END "end clone=%s thp_bytes=%" PRIu64 "\n"
#define PROTOCOL_END_SCAN "end clone=%15s thp_bytes=%" SCNu64

#endif
