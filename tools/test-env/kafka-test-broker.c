/*
 * kafka-test-broker: a Kafka-protocol test broker for integration tests.
 *
 * It wraps librdkafka's mock cluster (rdkafka_mock.h), which speaks enough of the Kafka
 * protocol for producers, consumer groups and offset commits, starts in milliseconds and
 * needs neither a JVM nor Docker. The Node launcher
 * (tools/test-env/src/kafka-test-broker-launcher.ts) drives it over stdin/stdout.
 *
 * Usage: kafka-test-broker [--brokers N] [--topic NAME:PARTITIONS]...
 *
 * Protocol: on start, one line "BOOTSTRAP <host:port,...>" on stdout. Then one command per
 * stdin line, each answered by exactly one line "OK" or "ERR <message>":
 *   topic <name> <partitions> [replication]   create a topic
 *   down <brokerId> / up <brokerId>           disconnect a broker and refuse / accept again
 *   leader <topic> <partition> <brokerId>     move a partition leader (-1: leader-less)
 *   quit                                      exit 0
 * EOF on stdin also exits 0, so the broker dies with the process that launched it.
 *
 * The mock (librdkafka 2.0.2) does not implement CreateTopics, DescribeGroups or ListGroups,
 * so topics with a chosen partition count must be created here; Metadata requests that allow
 * auto-creation create unknown topics with the mock's default partition count.
 *
 * Build: cc -O2 -o kafka-test-broker kafka-test-broker.c -lrdkafka
 */
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#define MAX_ARGS 8
#define MAX_BROKERS 64

static rd_kafka_mock_cluster_t *mcluster;

/*
 * Waking the mock thread.
 *
 * Each mock API call queues an op for the mock cluster's thread and blocks until that thread
 * has served it. In librdkafka 2.0.2 the op queue's wake-up is sometimes lost, and the thread
 * then only notices the op when its poll() times out, after up to 1 s: creating six topics
 * took anywhere between 2 ms and 3 s. That thread also polls the brokers' listening sockets,
 * so while a call is pending a helper thread opens (and at once closes) a connection to a
 * broker that is up, which wakes it. The mock just sees a client that came and went.
 */
static pthread_mutex_t waker_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t waker_cond  = PTHREAD_COND_INITIALIZER;
static int call_pending;
static int broker_cnt;
static struct sockaddr_in broker_addr[MAX_BROKERS]; /* index = broker id - 1 */
static int broker_down[MAX_BROKERS];

static void poke_broker(const struct sockaddr_in *addr) {
        int s = socket(AF_INET, SOCK_STREAM, 0);
        if (s == -1)
                return;
        connect(s, (const struct sockaddr *)addr, sizeof(*addr));
        close(s);
}

static void *waker_main(void *arg) {
        struct timespec deadline;
        int i, target;
        (void)arg;

        pthread_mutex_lock(&waker_lock);
        for (;;) {
                while (!call_pending)
                        pthread_cond_wait(&waker_cond, &waker_lock);
                /* Most calls are served at once; only poke the ones that linger. */
                clock_gettime(CLOCK_REALTIME, &deadline);
                deadline.tv_nsec += 3 * 1000 * 1000;
                if (deadline.tv_nsec >= 1000000000L) {
                        deadline.tv_sec++;
                        deadline.tv_nsec -= 1000000000L;
                }
                pthread_cond_timedwait(&waker_cond, &waker_lock, &deadline);
                if (!call_pending)
                        continue;
                for (target = 0, i = 0; i < broker_cnt; i++)
                        if (!broker_down[i]) {
                                target = i;
                                break;
                        }
                pthread_mutex_unlock(&waker_lock);
                poke_broker(&broker_addr[target]);
                pthread_mutex_lock(&waker_lock);
        }
        return NULL;
}

static void call_begin(void) {
        pthread_mutex_lock(&waker_lock);
        call_pending = 1;
        pthread_cond_signal(&waker_cond);
        pthread_mutex_unlock(&waker_lock);
}

static rd_kafka_resp_err_t call_end(rd_kafka_resp_err_t err) {
        pthread_mutex_lock(&waker_lock);
        call_pending = 0;
        pthread_cond_signal(&waker_cond);
        pthread_mutex_unlock(&waker_lock);
        return err;
}

/* Wraps one blocking mock API call so that the waker covers it. */
#define MOCK_CALL(expr) (call_begin(), call_end(expr))

/* Broker addresses from the "127.0.0.1:port,..." bootstrap list (brokers 1..N, in order). */
static int parse_bootstraps(const char *bootstraps) {
        char *copy = strdup(bootstraps), *tok, *save = NULL, *colon;

        broker_cnt = 0;
        for (tok = strtok_r(copy, ",", &save); tok && broker_cnt < MAX_BROKERS;
             tok = strtok_r(NULL, ",", &save)) {
                struct sockaddr_in *addr = &broker_addr[broker_cnt];
                colon                    = strrchr(tok, ':');
                if (!colon)
                        break;
                *colon = '\0';
                memset(addr, 0, sizeof(*addr));
                addr->sin_family = AF_INET;
                addr->sin_port   = htons((uint16_t)atoi(colon + 1));
                if (inet_pton(AF_INET, tok, &addr->sin_addr) != 1)
                        break;
                broker_cnt++;
        }
        free(copy);
        return broker_cnt > 0 ? 0 : -1;
}

static void set_broker_state(int broker_id, int down) {
        pthread_mutex_lock(&waker_lock);
        if (broker_id >= 1 && broker_id <= broker_cnt)
                broker_down[broker_id - 1] = down;
        pthread_mutex_unlock(&waker_lock);
}

/* Parses a whole decimal token into an int within [min, max]; 0 on success. */
static int parse_int(const char *s, long min, long max, int *out) {
        char *end;
        long v;

        if (!s || !*s)
                return -1;
        errno = 0;
        v     = strtol(s, &end, 10);
        if (errno || *end || v < min || v > max)
                return -1;
        *out = (int)v;
        return 0;
}

static void reply(rd_kafka_resp_err_t err) {
        if (err)
                printf("ERR %s\n", rd_kafka_err2str(err));
        else
                printf("OK\n");
}

static rd_kafka_resp_err_t create_topic(const char *name, int partitions, int replication) {
        return MOCK_CALL(rd_kafka_mock_topic_create(mcluster, name, partitions, replication));
}

/* Executes one command line; returns 1 when the program should exit. */
static int handle_command(char *line) {
        char *argv[MAX_ARGS];
        int argc = 0, a, b, c;
        char *tok, *save = NULL;

        for (tok = strtok_r(line, " \t\r\n", &save); tok && argc < MAX_ARGS;
             tok = strtok_r(NULL, " \t\r\n", &save))
                argv[argc++] = tok;

        if (argc == 0) {
                printf("ERR empty command\n");
        } else if (!strcmp(argv[0], "quit")) {
                printf("OK\n");
                return 1;
        } else if (!strcmp(argv[0], "topic")) {
                c = 1;
                if ((argc != 3 && argc != 4) || parse_int(argv[2], 1, 100000, &a) ||
                    (argc == 4 && parse_int(argv[3], 1, 1000, &c)))
                        printf("ERR usage: topic <name> <partitions> [replication]\n");
                else
                        reply(create_topic(argv[1], a, c));
        } else if (!strcmp(argv[0], "down") || !strcmp(argv[0], "up")) {
                if (argc != 2 || parse_int(argv[1], 0, INT_MAX, &a))
                        printf("ERR usage: %s <brokerId>\n", argv[0]);
                else if (!strcmp(argv[0], "down")) {
                        rd_kafka_resp_err_t err =
                            MOCK_CALL(rd_kafka_mock_broker_set_down(mcluster, a));
                        if (!err) /* poke another broker from now on */
                                set_broker_state(a, 1);
                        reply(err);
                } else {
                        rd_kafka_resp_err_t err = MOCK_CALL(rd_kafka_mock_broker_set_up(mcluster, a));
                        if (!err)
                                set_broker_state(a, 0);
                        reply(err);
                }
        } else if (!strcmp(argv[0], "leader")) {
                if (argc != 4 || parse_int(argv[2], 0, INT_MAX, &a) ||
                    parse_int(argv[3], -1, INT_MAX, &b))
                        printf("ERR usage: leader <topic> <partition> <brokerId>\n");
                else
                        reply(MOCK_CALL(
                            rd_kafka_mock_partition_set_leader(mcluster, argv[1], a, b)));
        } else {
                printf("ERR unknown command: %s\n", argv[0]);
        }
        return 0;
}

static void usage(const char *prog) {
        fprintf(stderr, "usage: %s [--brokers N] [--topic NAME:PARTITIONS]...\n", prog);
        exit(2);
}

int main(int argc, char **argv) {
        char errstr[512];
        rd_kafka_conf_t *conf;
        rd_kafka_t *rk;
        int brokers = 1, i, partitions, status = 0;
        char *line = NULL, *colon;
        size_t cap = 0;
        pthread_t waker;

        /* A vanished parent must end us through EOF on stdin, not kill us mid-write. */
        signal(SIGPIPE, SIG_IGN);
        setvbuf(stdout, NULL, _IOLBF, 0);

        for (i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (parse_int(argv[++i], 1, 64, &brokers))
                                usage(argv[0]);
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc) {
                        i++; /* validated now, created once the cluster exists */
                        colon = strrchr(argv[i], ':');
                        if (!colon || colon == argv[i] ||
                            parse_int(colon + 1, 1, 100000, &partitions))
                                usage(argv[0]);
                } else {
                        usage(argv[0]);
                }
        }

        /* The mock cluster lives inside an rd_kafka_t; a producer handle is the cheapest.
         * Its own logging (e.g. "no bootstrap.servers configured") is noise for tests. */
        conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, NULL);
        if (rd_kafka_conf_set(conf, "log_level", "0", errstr, sizeof(errstr)) !=
            RD_KAFKA_CONF_OK) {
                fprintf(stderr, "kafka-test-broker: %s\n", errstr);
                return 1;
        }
        rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr));
        if (!rk) {
                fprintf(stderr, "kafka-test-broker: rd_kafka_new: %s\n", errstr);
                return 1;
        }
        mcluster = rd_kafka_mock_cluster_new(rk, brokers);
        if (!mcluster) {
                fprintf(stderr, "kafka-test-broker: cannot create mock cluster\n");
                rd_kafka_destroy(rk);
                return 1;
        }

        if (parse_bootstraps(rd_kafka_mock_cluster_bootstraps(mcluster))) {
                fprintf(stderr, "kafka-test-broker: unexpected bootstrap list %s\n",
                        rd_kafka_mock_cluster_bootstraps(mcluster));
                status = 1;
                goto out;
        }
        if (pthread_create(&waker, NULL, waker_main, NULL)) {
                fprintf(stderr, "kafka-test-broker: cannot start waker thread\n");
                status = 1;
                goto out;
        }
        pthread_detach(waker);

        for (i = 1; i < argc; i++) {
                rd_kafka_resp_err_t err;
                if (strcmp(argv[i], "--topic"))
                        continue;
                colon = strrchr(argv[++i], ':');
                *colon = '\0';
                err = create_topic(argv[i], atoi(colon + 1), 1);
                if (err) {
                        fprintf(stderr, "kafka-test-broker: topic %s: %s\n", argv[i],
                                rd_kafka_err2str(err));
                        status = 1;
                        goto out;
                }
        }

        printf("BOOTSTRAP %s\n", rd_kafka_mock_cluster_bootstraps(mcluster));
        fflush(stdout);

        while (getline(&line, &cap, stdin) != -1) {
                int done = handle_command(line);
                fflush(stdout);
                if (done)
                        break;
        }
        free(line);

out:
        /* No rd_kafka_mock_cluster_destroy()/rd_kafka_destroy(): the former often waits out
         * the mock thread's 1 s poll in 2.0.2, and a test broker has nothing to flush or
         * persist. Exiting closes every socket just the same, at once. */
        fflush(stdout);
        _exit(status);
}
