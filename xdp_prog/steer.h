/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/**
 * @file steer.h
 * @brief The one ABI shared by the xl_steer XDP program, user space (daemon, CLI, tests) and
 * outside tools: map names and layouts, rule, config and statistics formats, pass reasons.
 *
 * This header compiles as BPF C and as user-space C: it uses only <linux/types.h> fixed-width
 * types (__u8..__u64, __be16, __be32), no libc, no bool. Every struct has explicit padding and a
 * _Static_assert on its size. Byte order is named on every field: "BE" is network byte order,
 * everything else is host byte order.
 *
 * ## Model
 * For every frame, xl_steer (SEC("xdp")) parses the headers (see "Parsing" below). A frame that
 * cannot be fully classified returns XDP_PASS untouched and counts one pass reason. A parsed
 * UDP/TCP packet is then matched against the rules, in precedence order, then against the hot
 * set. The first match decides: a FAST match redirects with
 * bpf_redirect_map(&xl_xsks, ctx->rx_queue_index, XDP_PASS); a PASS match returns XDP_PASS.
 * The program never modifies a frame and never drops one (it returns only XDP_PASS or
 * XDP_REDIRECT). Its RX-stamping variant xl_steer_ts (see "RX stamps") only adds metadata in
 * front of the frames it steers.
 *
 * ## Maps (pinned by their name under /sys/fs/bpf/xlane/<ifname>/, see XL_PIN_DIR_FMT)
 *
 * | name        | type              | key                  | value               | max_entries        | writer                 |
 * |-------------|-------------------|----------------------|---------------------|--------------------|------------------------|
 * | xl_cfg      | ARRAY (MMAPABLE, global data) | __u32 (0) | struct xl_cfg       | 1                  | user space             |
 * | xl_stats    | PERCPU_ARRAY      | __u32 (0)            | struct xl_stats     | 1                  | BPF (user space reads) |
 * | xl_xsks     | XSKMAP            | __u32 rx queue index | __u32 xsk fd        | XL_MAX_QUEUES      | user space             |
 * | xl_exact    | HASH              | struct xl_flow_key   | struct xl_rule      | XL_EXACT_MAX       | user space             |
 * | xl_port     | HASH              | struct xl_port_key   | struct xl_rule      | XL_PORT_MAX        | user space             |
 * | xl_pfx4     | LPM_TRIE          | struct xl_pfx4_key   | struct xl_rule      | XL_PFX_MAX         | user space             |
 * | xl_pfx6     | LPM_TRIE          | struct xl_pfx6_key   | struct xl_rule      | XL_PFX_MAX         | user space             |
 * | xl_hits     | PERCPU_ARRAY      | __u32 rule id        | __u64 hit count     | XL_RULE_ID_MAX     | BPF (user space reads, may zero) |
 * | xl_hot      | LRU_HASH          | struct xl_flow_key   | struct xl_hot_val   | XL_HOT_MAX         | BPF inserts/updates; user space deletes idle flows (demotion) |
 * | xl_cms      | PERCPU_ARRAY      | __u32 row*W+col      | struct xl_cms_cell  | XL_CMS_ROWS*XL_CMS_WIDTH | BPF only (detector state) |
 * | xl_win      | PERCPU_ARRAY      | __u32 (0)            | struct xl_win       | 1                  | BPF only (detector window) |
 * | xl_lrudet   | LRU_PERCPU_HASH   | struct xl_flow_key   | struct xl_lru_cnt   | XL_LRUDET_MAX      | BPF only (alternative detector) |
 * | xl_rgen     | ARRAY (MMAPABLE, global data) | __u32 (0) | __u64 rule generation | 1                | user space, atomic increment after every rule map change |
 * | xl_flowc    | PERCPU_ARRAY      | __u32 slot           | struct xl_fslot     | XL_FLOWC_SLOTS     | BPF only (flow cache: rule verdicts, hot flows, front counters) |
 *
 * "Global data": the program reads the value at a fixed address, with no map lookup per packet.
 * Such a map is a BPF global variable in its own ELF section, of which libbpf makes the map;
 * its kernel and libbpf name is XL_DATA_SEC_PFX followed by the name above (".data.xl_cfg"),
 * its pin and everything else is as the table says.
 *
 * Rule maps (xl_exact, xl_port, xl_pfx4, xl_pfx6) are only consulted when their XL_CFG_F_RULES_*
 * flag is set in xl_cfg.flags (this skips the hash computation for kinds that hold no rule).
 * Whoever writes a rule map keeps the flag set while the map holds at least one rule, and
 * increments xl_rgen (an atomic add through its mmap()ed page, so that writers in several
 * processes never lose an increment) after the change, which is what makes the change visible
 * to flows the flow cache already knows (see "Flow cache").
 *
 * ## Parsing (bounds and pass reasons; the first failing check decides)
 * Offsets are from the start of the frame; `end` is the frame end until the IP header is
 * validated, then the end the IP header declares (IPv4: ip + tot_len, IPv6: ip + 40 +
 * payload_len), which is never past the frame end (trailing bytes after it are ignored).
 * "Needs N bytes" means: if fewer than N bytes remain before `end` -> XL_PASS_TRUNCATED.
 *
 *  1. Ethernet: needs 14 bytes. EtherType = h_proto.
 *  2. VLAN: while EtherType is 0x8100 (802.1Q) or 0x88A8 (802.1ad): if two tags were already
 *     parsed -> XL_PASS_VLAN_DEPTH (checked before the length of that third tag); else needs 4
 *     bytes, EtherType = the tag's inner type. At most XL_VLAN_MAX (2) tags are accepted, in any
 *     combination of the two TPIDs.
 *  3. EtherType 0x0800 -> IPv4, 0x86DD -> IPv6, anything else -> XL_PASS_NOT_IP.
 *  4. IPv4: needs 20 bytes; version != 4 or IHL < 5 -> XL_PASS_BAD_IPV4; needs IHL*4 bytes;
 *     tot_len < IHL*4 or tot_len > bytes from the IP header to the frame end ->
 *     XL_PASS_BAD_IPV4. Then `end` = ip + tot_len. Any fragment (MF set or fragment offset != 0;
 *     this includes first fragments, so all pieces of a datagram reach the kernel, which
 *     reassembles them) -> XL_PASS_FRAGMENT. The header checksum is not verified; options are
 *     skipped, not interpreted. L4 protocol = protocol field, L4 header at ip + IHL*4.
 *  5. IPv6: needs 40 bytes; version != 6 -> XL_PASS_BAD_IPV6; 40 + payload_len > bytes from the
 *     IP header to the frame end -> XL_PASS_BAD_IPV6 (payload_len 0, i.e. a jumbogram or an empty
 *     payload, is not special: the next header then does not fit -> XL_PASS_TRUNCATED). Then
 *     `end` = ip + 40 + payload_len. Extension headers are walked: at most XL_IPV6_EXT_MAX (6) of
 *     them, each one of Hop-by-Hop (0), Routing (43), Destination Options (60) (needs 8 bytes,
 *     then needs (hdr_ext_len + 1) * 8 bytes) or Fragment (44) (needs 8 bytes; fragment offset
 *     != 0 or M flag set -> XL_PASS_FRAGMENT; an atomic fragment, offset 0 and M clear, is
 *     skipped like any other extension header). If the next header is still one of these four
 *     after XL_IPV6_EXT_MAX headers -> XL_PASS_IPV6_EXT_DEPTH. Their order is not checked.
 *  6. L4 protocol (IPv4 protocol or the IPv6 next header after the walk): UDP (17) or TCP (6);
 *     anything else (ICMP, ICMPv6, AH, ESP, No Next Header, GRE, ...) -> XL_PASS_NOT_L4.
 *  7. UDP: needs 8 bytes; UDP length < 8 or > bytes from the UDP header to `end` ->
 *     XL_PASS_BAD_L4. TCP: needs 20 bytes; data offset < 5 -> XL_PASS_BAD_L4; needs
 *     doff*4 bytes. Checksums are not verified.
 *
 * The resulting struct xl_flow_key (family, proto, saddr, daddr, sport, dport) feeds steering.
 *
 * ## Steering precedence (first match wins; a match's action is final)
 *  1. exact 5-tuple rule in xl_exact (key: the packet's struct xl_flow_key);
 *  2. proto + dport + daddr rule in xl_port (key: family, proto, dport, daddr);
 *  3. proto + dport rule for any address in xl_port (key: family 0, proto, dport, daddr 0);
 *  4. longest-prefix match on the destination address in xl_pfx4 or xl_pfx6;
 *  5. the hot set xl_hot, only when XL_CFG_F_HOT is set;
 *  6. otherwise XL_PASS_NO_MATCH.
 * So a PASS rule carves an exception out of any lower-precedence FAST rule and out of the hot
 * set, and a FAST rule steers a flow whatever lower-precedence PASS rule covers it. Steps 2 and
 * 3 are both gated by XL_CFG_F_RULES_PORT. A rule's action is XL_ACT_FAST or XL_ACT_PASS (any
 * other value acts as XL_ACT_PASS). A matching rule increments xl_hits[rule.id] (if id <
 * XL_RULE_ID_MAX) whatever its action.
 *
 * ## Flow cache (xl_flowc): rule verdicts and hot flows
 * One per-CPU, direct-mapped table serves steps 1-4 and step 5. The slot is the top bits of a
 * multiply-add over the key's words (xl_cfg.hash_seed folded into the first); the detector's own
 * hash is computed only for packets the cache does not answer. A slot holds one flow key, and for
 * that flow two independent records, each valid on its own:
 *  - the rule verdict: the xl_rgen value and the rule-kind flags (xl_cfg.flags &
 *    XL_CFG_F_RULES_ALL) it was computed under, and the outcome (no rule, or the matched rule's
 *    id, action and kind); rflags XL_FSLOT_NO_VERDICT means there is none;
 *  - the hot mark: the window epoch in which the flow was confirmed hot on this CPU (0: none).
 * So one lookup and one key comparison answer both questions for a flow that keeps sending.
 * A slot also carries the detector's front counter (xl_fslot.fc, "Hot set and detection"),
 * which records a flow of its own, not necessarily the slot's.
 * Steps 1-4 are looked up (four map lookups: two hashes and an LPM trie walk, which grows with
 * the number of prefixes) only when the slot holds another flow, or its verdict was computed
 * under another xl_rgen or other flags; the verdict is then stored. Step 5 takes the hot mark
 * as in "Hot set and detection" below. A flow that takes over a slot clears the other record
 * (a new verdict clears the hot mark, a new hot mark clears the verdict). xl_rgen is read
 * before the lookups, so a rule change that races with a packet leaves a slot tagged with the
 * old generation, never a stale slot tagged with the new one. A cached match counts in xl_hits
 * like a looked-up one. XL_CFG_F_NO_VCACHE bypasses the verdict record (benchmarks, tests).
 * The cache changes the cost of a decision, never the decision (the differential test in
 * xdp_prog/tests checks this against a reference classifier that has no cache).
 *
 * ## Hot set and detection (only when XL_CFG_F_HOT is set)
 * Only packets that reach step 5 are looked at. "now" is bpf_ktime_get_coarse_ns()
 * (CLOCK_MONOTONIC at tick resolution; re-read only when jiffies changed, so it may lag by one
 * tick), or xl_cfg.test_clock_ns when XL_CFG_F_TEST_CLOCK is set (deterministic tests under
 * BPF_PROG_TEST_RUN). All detector state is per CPU (RSS keeps a flow on one queue, hence one
 * CPU).
 *
 * Windows (xl_win): a window starts at the first packet with now >= start + window_ns (window_ns
 * 0 -> XL_DEFAULT_WINDOW_NS) or now < start (clock moved back); windows are numbered by an epoch
 * starting at 1. When a window starts, hold = idle_ns / window_ns + 1 (idle_ns 0 ->
 * XL_DEFAULT_IDLE_NS) is recomputed.
 *
 * Detector (XL_DET_CMS, default): a count-min sketch of XL_CMS_ROWS x XL_CMS_WIDTH cells
 * (xl_cms), indexed by two disjoint bit slices of a seeded 64-bit flow hash (xl_cfg.hash_seed;
 * every key word with its own seeded multiplier, then a finishing round). A cell counts packets
 * and bytes (frame length) of the window in its epoch field (bytes saturate at 2^32 - 1, so
 * hot_bytes above that never triggers); a cell of an older epoch reads as zero (lazy reset, no
 * clearing loop). Update is conservative: est = min(cells) + this packet, and each cell is
 * raised to at most est.
 * Count-min never under-estimates, so a flow reaching a threshold on one CPU is always promoted
 * (recall 1); false positives come only from collisions.
 *
 * Front counter (xl_fslot.fc, one per flow cache slot index, whatever flow the slot holds): the
 * flow that last went through the sketch at that index, its estimate then, and its packets and
 * bytes since, which the sketch has not seen yet (pending). The flow's true count in the window
 * is at most estimate + pending, so a packet that keeps estimate + pending below the thresholds
 * is counted in front alone; a packet that would reach one goes to the sketch. Before a packet
 * uses the sketch, what is pending there reaches the sketch (the same conservative update, with
 * that weight) and the entry's estimate follows; after it, a flow still below the thresholds
 * takes the entry over. Pending counts of an older window are dropped (their window is over).
 * Recall stays 1; the sketch sees other flows' packets later, which can only lower false
 * positives.
 * Thresholds: est.pkts >= hot_pkts (0 -> XL_DEFAULT_HOT_PKTS), or hot_bytes != 0 and est.bytes >=
 * hot_bytes.
 *
 * Per packet, so that most packets cost no hash-map lookup:
 *  1. the flow's slot in the flow cache xl_flowc holds this flow (whole key compared) with a hot
 *     mark of the current epoch -> steered via the hot set. A mark confirmed in the current
 *     jiffy (xl_fslot.hot_tick) is of the current epoch without looking at the window: "now"
 *     only changes when jiffies does, so the window cannot have moved since (unless xl_cfg
 *     changed in that tick; XL_CFG_F_TEST_CLOCK always takes the window path). A packet whose
 *     slot has such a mark and a cached "no rule" verdict of the current xl_rgen and rule
 *     kinds (or no rule kind on) is decided from the slot alone, before the rule step
 *     (XL_DET_CMS only; not with XL_CFG_F_NO_VCACHE);
 *  2. the front counter holds this flow in the current window and estimate + pending + this
 *     packet stays below the thresholds -> counted there, XL_PASS_NO_MATCH. An entry written in
 *     the current jiffy (xl_fcnt.tick) is of the current window without looking at the window,
 *     as in step 1 (not under XL_CFG_F_TEST_CLOCK). So a flow below the threshold pays for the
 *     window and the sketch once per window, and again only when another flow took the entry;
 *  3. otherwise what the front counter holds reaches the sketch, and the flow's two cells are
 *     read; the flow is "maybe hot" if both cells' hot_epoch is non-zero and within `hold`
 *     epochs of the current one (hot_epoch marks the last window in which a hot flow using that
 *     cell was confirmed); maybe hot -> xl_hot lookup; found -> last_seen_ns = now, cache it in
 *     its slot, mark both cells, steer;
 *  4. otherwise the packet is counted in the sketch; est reaching a threshold -> promotion:
 *     insert into xl_hot (BPF_NOEXIST; hot_promotions counts successful inserts; an existing entry
 *     is kept), cache, mark, and this packet is already steered via the hot set;
 *  5. otherwise the flow takes the front counter over, XL_PASS_NO_MATCH.
 * Contract for user space (demotion): last_seen_ns is refreshed on a flow's first packet of each
 * window, so it lags by up to about one window; demote (delete from xl_hot) flows with now -
 * last_seen_ns >= idle_ns, and keep idle_ns >= 2 * window_ns (defaults 2 s and 100 ms). A deletion
 * takes effect at the latest when the current window ends (the cache entry expires with it). The
 * LRU also evicts the least recently used flow when XL_HOT_MAX is reached. A flow kept in xl_hot
 * but unseen on a CPU for more than `hold` windows, or inserted by user space, is steered once it
 * crosses a threshold there (measured like a new flow until then).
 * Alternative detector XL_DET_LRU (kept for steer_bench): exact per-flow window counts in
 * xl_lrudet (LRU per-CPU hash) and an xl_hot lookup on every packet (no hints, no cache).
 *
 * ## Counters (struct xl_stats, per CPU; user space sums over CPUs)
 * For every frame: seen += 1 and exactly one of steered[via], passed[reason], fallbacks += 1,
 * so seen == sum(steered) + sum(passed) + fallbacks. fallbacks counts frames chosen for the
 * fast lane whose queue has no socket in xl_xsks (bpf_redirect_map returned XDP_PASS).
 * hot_promotions counts new xl_hot entries made by the program. Under BPF_PROG_TEST_RUN a queue
 * usually has no socket, so a steering decision shows as XDP_PASS plus fallbacks += 1 (the
 * tests bind one to a private loopback to see steered[] move).
 *
 * Concurrency: maps may be updated at any time while the program runs; a rule or config change
 * applies to the next packet. Counters are per CPU and written without atomics.
 */
#ifndef XL_STEER_H
#define XL_STEER_H

#include <linux/types.h>

/* ---- names and limits ---------------------------------------------------------------------- */

#define XL_PROG_NAME	"xl_steer"    /**< XDP program (function and bpf_prog name) */
#define XL_PROG_TS_NAME "xl_steer_ts" /**< the RX-stamping variant (see "RX stamps") */
#define XL_MAP_CFG	"xl_cfg"
#define XL_MAP_STATS	"xl_stats"
#define XL_MAP_XSKS	"xl_xsks"
#define XL_MAP_EXACT	"xl_exact"
#define XL_MAP_PORT	"xl_port"
#define XL_MAP_PFX4	"xl_pfx4"
#define XL_MAP_PFX6	"xl_pfx6"
#define XL_MAP_HITS	"xl_hits"
#define XL_MAP_HOT	"xl_hot"
#define XL_MAP_CMS	"xl_cms"
#define XL_MAP_WIN	"xl_win"
#define XL_MAP_LRUDET	"xl_lrudet"
#define XL_MAP_RGEN	"xl_rgen"
#define XL_MAP_FLOWC	"xl_flowc"
#define XL_DATA_SEC_PFX ".data." /**< libbpf name of a "global data" map: this + the name above */

/** Maps are pinned by their name in this directory (printf format, argument: interface name). */
#define XL_PIN_ROOT	     "/sys/fs/bpf/xlane"
#define XL_PIN_DIR_FMT	     XL_PIN_ROOT "/%s"

#define XL_MAX_QUEUES	     64	   /**< xl_xsks entries (RX queue indexes 0..63) */
#define XL_EXACT_MAX	     16384 /**< xl_exact entries */
#define XL_PORT_MAX	     16384 /**< xl_port entries */
#define XL_PFX_MAX	     16384 /**< xl_pfx4 and xl_pfx6 entries, each */
#define XL_RULE_ID_MAX	     65536 /**< rule ids are 0..XL_RULE_ID_MAX-1 (xl_hits index) */
#define XL_HOT_MAX	     16384 /**< hot set capacity (LRU) */
#define XL_CMS_ROWS	     2	   /**< count-min sketch rows (hash functions) */
#define XL_CMS_WIDTH	     16384 /**< count-min sketch cells per row, power of two */
#define XL_LRUDET_MAX	     16384 /**< alternative LRU detector entries per CPU */
#define XL_FLOWC_BITS	     13	   /**< log2 of XL_FLOWC_SLOTS */
#define XL_FLOWC_SLOTS	     (1U << XL_FLOWC_BITS) /**< flow cache slots per CPU (8192) */

#define XL_VLAN_MAX	     2 /**< VLAN tags accepted (802.1Q / 802.1ad, any mix) */
#define XL_IPV6_EXT_MAX	     6 /**< IPv6 extension headers walked */

#define XL_DEFAULT_WINDOW_NS 100000000ULL  /**< 100 ms measurement window */
#define XL_DEFAULT_HOT_PKTS  1000	   /**< promote at 1000 packets per window (10 kpps) */
#define XL_DEFAULT_IDLE_NS   2000000000ULL /**< user space demotes after 2 s without packets */

/* ---- enums ----------------------------------------------------------------------------------- */

/** Why a frame went to the kernel (index into xl_stats.passed). Values are ABI: never renumber. */
enum xl_pass_reason {
	XL_PASS_NO_MATCH = 0,	    /**< parsed UDP/TCP, no rule matched, not hot */
	XL_PASS_RULE = 1,	    /**< a rule with action XL_ACT_PASS matched */
	XL_PASS_NOT_IP = 2,	    /**< EtherType neither IPv4 nor IPv6 (ARP, LLDP, ...) */
	XL_PASS_VLAN_DEPTH = 3,	    /**< more than XL_VLAN_MAX VLAN tags */
	XL_PASS_TRUNCATED = 4,	    /**< a header does not fit before `end` */
	XL_PASS_BAD_IPV4 = 5,	    /**< version, IHL < 5, tot_len < IHL*4 or beyond the frame */
	XL_PASS_BAD_IPV6 = 6,	    /**< version, payload_len beyond the frame */
	XL_PASS_FRAGMENT = 7,	    /**< any IPv4 or IPv6 fragment (first ones included) */
	XL_PASS_IPV6_EXT_DEPTH = 8, /**< more than XL_IPV6_EXT_MAX extension headers */
	XL_PASS_NOT_L4 = 9,	    /**< neither UDP nor TCP (ICMP, ICMPv6, ESP, AH, ...) */
	XL_PASS_BAD_L4 = 10,	    /**< UDP length < 8 or beyond `end`; TCP data offset < 5 */
	XL_PASS_MAX = 11,
};

/** How a frame was chosen for the fast lane (index into xl_stats.steered). ABI values. */
enum xl_steer_via {
	XL_VIA_EXACT = 0,  /**< exact 5-tuple rule */
	XL_VIA_PORT = 1,   /**< proto + dport (+ daddr) rule */
	XL_VIA_PREFIX = 2, /**< destination prefix rule */
	XL_VIA_HOT = 3,	   /**< hot set (detected heavy flow) */
	XL_VIA_MAX = 4,
};

/** Rule action (struct xl_rule.action). */
enum xl_rule_action {
	XL_ACT_FAST = 0, /**< steer to the AF_XDP socket of the RX queue */
	XL_ACT_PASS = 1, /**< explicit exception: give to the kernel */
};

/** Address family in keys (not AF_*: these values are ABI). */
enum xl_family {
	XL_FAMILY_ANY = 0, /**< only in struct xl_port_key: rule for any destination address */
	XL_FAMILY_V4 = 4,
	XL_FAMILY_V6 = 6,
};

/** Detector kind (xl_cfg.detector). */
enum xl_detector {
	XL_DET_CMS = 0, /**< per-CPU count-min sketch, lazily reset per window (default) */
	XL_DET_LRU = 1, /**< per-CPU LRU hash of exact per-flow counters */
	XL_DET_MAX = 2,
};

/** xl_cfg.flags */
#define XL_CFG_F_HOT	     (1U << 0) /**< hot-flow detection and hot-set steering on */
#define XL_CFG_F_RULES_EXACT (1U << 1) /**< consult xl_exact */
#define XL_CFG_F_RULES_PORT  (1U << 2) /**< consult xl_port */
#define XL_CFG_F_RULES_PFX4  (1U << 3) /**< consult xl_pfx4 */
#define XL_CFG_F_RULES_PFX6  (1U << 4) /**< consult xl_pfx6 */
#define XL_CFG_F_TEST_CLOCK  (1U << 5) /**< now = test_clock_ns (tests only) */
#define XL_CFG_F_NO_VCACHE \
	(1U << 6) /**< bypass the flow cache's rule verdicts (benchmarks, tests) */
#define XL_CFG_F_RULES_ALL \
	(XL_CFG_F_RULES_EXACT | XL_CFG_F_RULES_PORT | XL_CFG_F_RULES_PFX4 | XL_CFG_F_RULES_PFX6)

/* ---- structs --------------------------------------------------------------------------------- */

/**
 * Parsed flow identity: key of xl_exact, xl_hot and xl_lrudet. IPv4 addresses are in word 0,
 * words 1..3 are zero. All padding must be zero (keys are hashed bytewise).
 */
struct xl_flow_key {
	__u8 family;	 /**< XL_FAMILY_V4 or XL_FAMILY_V6 */
	__u8 proto;	 /**< IPPROTO_UDP or IPPROTO_TCP */
	__be16 sport;	 /**< BE */
	__be16 dport;	 /**< BE */
	__u16 pad;	 /**< zero */
	__be32 saddr[4]; /**< BE */
	__be32 daddr[4]; /**< BE */
};
_Static_assert(sizeof(struct xl_flow_key) == 40, "xl_flow_key layout");

/** Key of xl_port. family XL_FAMILY_ANY with daddr all zero is the any-address rule. */
struct xl_port_key {
	__u8 family;	 /**< XL_FAMILY_ANY, XL_FAMILY_V4 or XL_FAMILY_V6 */
	__u8 proto;	 /**< IPPROTO_UDP or IPPROTO_TCP */
	__be16 dport;	 /**< BE */
	__be32 daddr[4]; /**< BE; IPv4 in word 0, rest zero; all zero for XL_FAMILY_ANY */
};
_Static_assert(sizeof(struct xl_port_key) == 20, "xl_port_key layout");

/** Key of xl_pfx4 (LPM trie). */
struct xl_pfx4_key {
	__u32 prefixlen; /**< 0..32, host order */
	__be32 addr;	 /**< BE */
};
_Static_assert(sizeof(struct xl_pfx4_key) == 8, "xl_pfx4_key layout");

/** Key of xl_pfx6 (LPM trie). */
struct xl_pfx6_key {
	__u32 prefixlen; /**< 0..128, host order */
	__be32 addr[4];	 /**< BE */
};
_Static_assert(sizeof(struct xl_pfx6_key) == 20, "xl_pfx6_key layout");

/** Value of every rule map. */
struct xl_rule {
	__u32 id;    /**< 0..XL_RULE_ID_MAX-1, unique across kinds; index of its xl_hits counter */
	__u8 action; /**< enum xl_rule_action */
	__u8 pad[3]; /**< zero */
};
_Static_assert(sizeof(struct xl_rule) == 8, "xl_rule layout");

/** The single xl_cfg entry. All-zero is valid: detection off, no rule kind consulted. */
struct xl_cfg {
	__u32 flags;	/**< XL_CFG_F_* */
	__u32 hot_pkts; /**< promote at >= this many packets per window; 0 -> XL_DEFAULT_HOT_PKTS */
	__u64 hot_bytes; /**< also promote at >= this many bytes per window; 0 -> no byte threshold */
	__u64 window_ns; /**< window length; 0 -> XL_DEFAULT_WINDOW_NS */
	__u64 idle_ns; /**< read by user space only: demotion idle time; 0 -> XL_DEFAULT_IDLE_NS */
	__u64 test_clock_ns; /**< "now" when XL_CFG_F_TEST_CLOCK is set */
	__u32 hash_seed;     /**< sketch hash seed; randomize it before attaching (changing it while
			     running only makes hot flows be measured again, see "Hot set") */
	__u32 detector;	     /**< enum xl_detector; unknown values act as XL_DET_CMS */
};
_Static_assert(sizeof(struct xl_cfg) == 48, "xl_cfg layout");

/*
 * ## RX stamps (xl_steer_ts, loaded only on request: `xlane run --rx-stamp`)
 * xl_steer_ts is xl_steer plus one step: before it redirects a frame to the fast lane it writes
 * struct xl_rx_meta into the frame's XDP metadata area (bpf_xdp_adjust_meta), which AF_XDP
 * delivers in front of the packet in the UMEM frame (copy and zero-copy mode alike). The frame
 * bytes themselves stay untouched. xdp_ns is bpf_ktime_get_ns() (CLOCK_MONOTONIC) at that point;
 * rx_hw_ns is what the device reports through the XDP RX metadata kfunc
 * bpf_xdp_metadata_rx_timestamp(), or 0 when it reports nothing (veth gives the hardware stamp
 * of the sending skb, normally none). The kfunc needs a device-bound program, so xl_steer_ts is
 * loaded for one interface (BPF_F_XDP_DEV_BOUND_ONLY) and attaches in native mode only.
 */
#define XL_RX_META_MAGIC 0x584c5453u /**< "XLTS" */

/** enum of xl_rx_meta.src: which clocks stamped the frame. */
enum xl_ts_src {
	XL_TS_SRC_NONE = 0,    /**< not stamped */
	XL_TS_SRC_KTIME = 1,   /**< xdp_ns only (bpf_ktime_get_ns); the device gave no RX stamp */
	XL_TS_SRC_RX_META = 2, /**< xdp_ns and the device's RX stamp (rx_hw_ns, device clock) */
};

/** What xl_steer_ts writes in front of a steered frame (AF_XDP metadata, host byte order). */
struct xl_rx_meta {
	__u64 xdp_ns;	/**< bpf_ktime_get_ns() when XDP steered the frame (CLOCK_MONOTONIC) */
	__u64 rx_hw_ns; /**< the device's RX timestamp (its own clock), 0 if none */
	__u32 src;	/**< enum xl_ts_src */
	__u32 magic;	/**< XL_RX_META_MAGIC; last, so it sits right before the frame */
};
_Static_assert(sizeof(struct xl_rx_meta) == 24, "xl_rx_meta layout");

/** The single xl_stats entry of one CPU. */
struct xl_stats {
	__u64 seen;		   /**< every frame the program ran on */
	__u64 steered[XL_VIA_MAX]; /**< redirected to a socket, by enum xl_steer_via */
	__u64 passed[XL_PASS_MAX]; /**< XDP_PASS, by enum xl_pass_reason */
	__u64 fallbacks;      /**< chosen for the fast lane, no socket on the queue: XDP_PASS */
	__u64 hot_promotions; /**< flows inserted into xl_hot by the detector */
	__u64 reserved[3];    /**< zero; room to grow */
};
_Static_assert(sizeof(struct xl_stats) == 8 * (1 + XL_VIA_MAX + XL_PASS_MAX + 2 + 3),
	       "xl_stats layout");

/** Value of xl_hot. */
struct xl_hot_val {
	__u64 promoted_ns; /**< now at promotion (same clock as last_seen_ns) */
	__u64 last_seen_ns; /**< now at the flow's first packet of the latest window it was seen in */
	__u32 promo_pkts;   /**< the estimate (packets in the window) that promoted it */
	__u32 pad;	    /**< zero */
	__u64 promo_bytes; /**< the estimate (bytes in the window) that promoted it */
};
_Static_assert(sizeof(struct xl_hot_val) == 32, "xl_hot_val layout");

/** Value of xl_cms: one count-min cell. */
struct xl_cms_cell {
	__u32 epoch;	 /**< window epoch of pkts/bytes; another epoch reads as zero */
	__u32 pkts;	 /**< packets in that window */
	__u32 bytes;	 /**< bytes in that window, saturating at 2^32 - 1 */
	__u32 hot_epoch; /**< last epoch a hot flow using this cell was confirmed; 0 never */
};
_Static_assert(sizeof(struct xl_cms_cell) == 16, "xl_cms_cell layout");

/** Value of xl_win: the per-CPU detector window and clock cache. */
struct xl_win {
	__u64 start_ns; /**< start of the current window */
	__u32 epoch;	/**< current window epoch, starts at 1 */
	__u32 hold;	/**< idle_ns / window_ns + 1, set when the window started */
	__u64 jiffies;	/**< jiffies when now_ns was read */
	__u64 now_ns;	/**< bpf_ktime_get_coarse_ns() at that jiffy */
};
_Static_assert(sizeof(struct xl_win) == 32, "xl_win layout");

/** xl_fslot.rflags of a slot that holds no rule verdict (no XL_CFG_F_RULES_* combination). */
#define XL_FSLOT_NO_VERDICT 0xffU

/**
 * The front counter of a flow cache slot (xl_fslot.fc): the flow that last went through the
 * sketch path at this slot index, and its packets and bytes of the current window that the sketch
 * has not seen yet (see "Hot set and detection"). Its flow need not be the slot's.
 */
struct xl_fcnt {
	struct xl_flow_key key; /**< the flow; all zero when the entry was never used */
	__u32 epoch;		/**< window epoch of the counts; another epoch: nothing pending */
	__u32 pkts;		/**< packets not yet added to the sketch */
	__u32 bytes;		/**< their bytes, saturating at 2^32 - 1 */
	__u32 est_pkts;		/**< the flow's sketch estimate (packets) when it last reached it */
	__u32 est_bytes;	/**< the same in bytes */
	__u32 tick;		/**< low 32 bits of jiffies when the entry was last written */
};
_Static_assert(sizeof(struct xl_fcnt) == 64, "xl_fcnt layout");

/** Value of xl_flowc: one flow's rule verdict and hot mark on this CPU (see "Flow cache"). */
struct xl_fslot {
	struct xl_flow_key key; /**< the flow; all zero (family 0) when the slot is empty */
	__u64 gen;		/**< xl_rgen when the verdict was looked up */
	__u32 rule_id;		/**< matched rule's id (when matched) */
	__u32 hot_epoch;	/**< window epoch the flow was confirmed hot in; 0: not hot */
	__u32 hot_tick;		/**< low 32 bits of jiffies when hot_epoch was last confirmed */
	__u8 rflags;		/**< xl_cfg.flags & XL_CFG_F_RULES_ALL then; XL_FSLOT_NO_VERDICT */
	__u8 matched;		/**< 1: a rule matched; 0: none did */
	__u8 action;		/**< matched rule's action */
	__u8 via;		/**< enum xl_steer_via of the matching kind */
	struct xl_fcnt fc; /**< front counter (second 64 bytes: the hot path never reads them) */
};
_Static_assert(sizeof(struct xl_fslot) == 128, "xl_fslot layout");
_Static_assert(XL_CFG_F_RULES_ALL < XL_FSLOT_NO_VERDICT, "xl_fslot.rflags holds the rule flags");

/** Value of xl_lrudet (XL_DET_LRU). */
struct xl_lru_cnt {
	__u32 epoch; /**< window epoch of the counts */
	__u32 pkts;  /**< packets in that window */
	__u64 bytes; /**< bytes in that window */
};
_Static_assert(sizeof(struct xl_lru_cnt) == 16, "xl_lru_cnt layout");

#endif /* XL_STEER_H */
