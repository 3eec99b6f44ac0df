/*
 * awp/aws_scan.h - scan EC2 instances agentlessly: discover them, apply the
 * policy (running, Linux, not tagged to be skipped), snapshot every EBS
 * volume of an instance as one crash-consistent set, read the snapshots
 * through the EBS direct APIs, assemble them into the machine's tree (root
 * filesystem + /etc/fstab), hand that tree to a scan callback, and delete
 * every snapshot awp made.
 *
 * Snapshots awp creates carry the tags awp:managed=true, awp:scan-id,
 * awp:instance and awp:created-at; at the start of every run, snapshots with
 * awp:managed=true older than the sweep age are deleted, so a run that was
 * killed does not leak. docs/aws.md has the IAM permissions of each mode.
 */
#ifndef AWP_AWS_SCAN_H
#define AWP_AWS_SCAN_H

#include <awp/aws.h>
#include <awp/fs.h>

#include <signal.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The tag key/value that marks a snapshot as awp's (the sweeper's filter). */
#define AWP_AWS_MANAGED_TAG "awp:managed"
#define AWP_AWS_MANAGED_VALUE "true"
/** Default tag whose presence (any value) skips an instance. */
#define AWP_AWS_SKIP_TAG "CG_AWP_SKIP_SCAN"

typedef enum awp_instance_status {
	AWP_INSTANCE_SCANNED = 0, /**< every volume that should be read was read */
	AWP_INSTANCE_PARTIAL,     /**< scanned, but some volume was not read (listed with why) */
	AWP_INSTANCE_SKIPPED,     /**< by policy (the skip tag) */
	AWP_INSTANCE_FAILED,      /**< could not be scanned: reason_code says why */
	AWP_INSTANCE_EXCLUDED,    /**< out of scope: not running, not Linux */
} awp_instance_status;

/** "scanned", "partial", "skipped", "failed", "excluded". */
AWP_EXTERN const char *awp_instance_status_name(awp_instance_status s);

typedef enum awp_aws_mode {
	AWP_AWS_IN_ACCOUNT = 0, /**< snapshots never leave the account */
	AWP_AWS_SAAS,           /**< snapshots are shared with (or copied for) the scanner account */
} awp_aws_mode;

/** One filesystem volume of an instance (strings owned by the scan). */
typedef struct awp_aws_scan_volume {
	const char *volume_id;    /**< EBS volume */
	const char *device;       /**< "/dev/xvda" from the block device mapping */
	const char *snapshot_id;  /**< the snapshot read ("" when none) */
	const char *name;         /**< volume inside the snapshot: "disk", "p1", "vg0/root" ("" for the whole EBS volume) */
	const char *fs_type;      /**< "ext4", "xfs", ... or "" */
	const char *mountpoint;   /**< where it is in the assembled tree, "" when not placed */
	int read;                 /**< part of the scanned tree */
	const char *reason_code;  /**< when not read: "not_in_fstab", "unsupported_filesystem", "kms_access_denied", ... */
	const char *reason;
} awp_aws_scan_volume;

/** One instance and what happened to it (strings owned by the scan). */
typedef struct awp_aws_instance_result {
	const char *instance_id;
	const char *region;
	const char *name;             /**< the Name tag, "" */
	const char *state;
	const char *platform;         /**< PlatformDetails (or Platform), "" */
	const char *image_id;
	awp_instance_status status;
	const char *reason_code;      /**< "" when scanned; else e.g. "not_running", "not_linux", "skip_tag",
	                                   "snapshot_timeout", "kms_access_denied", "no_root_filesystem",
	                                   "unsupported_filesystem", "size_limit", "time_limit", "canceled" */
	const char *reason;           /**< the same in words */
	const awp_aws_scan_volume *volumes;
	size_t volume_count;
	const char *const *snapshots; /**< snapshots awp created for this instance (all deleted) */
	size_t snapshot_count;
	size_t snapshots_left;        /**< of them, not deleted (0 unless deletion failed) */
	uint64_t blocks_listed;       /**< blocks with data in the snapshots read */
	uint64_t blocks_fetched;      /**< GetSnapshotBlock requests that returned data */
	double seconds;
	const char *report;           /**< the scan callback's report (JSON), NULL when not scanned */
	size_t findings;
} awp_aws_instance_result;

/**
 * Scans the assembled tree of one instance: writes a report into *report
 * (caller-of-awp frees it; the scan takes ownership) and the number of
 * findings. Return 0 or a negative AWP_E* code with the message set.
 */
typedef int (*awp_aws_scan_fs_cb)(char **report, size_t *findings, awp_fs *fs, const char *target, void *payload);
/** Called when an instance's result is final (before the next starts). */
typedef void (*awp_aws_instance_cb)(const awp_aws_instance_result *r, void *payload);

#define AWP_AWS_SCAN_OPTIONS_VERSION 1
typedef struct awp_aws_scan_options {
	int version;                  /**< AWP_AWS_SCAN_OPTIONS_VERSION */
	awp_aws_mode mode;
	const char *const *regions;   /**< NULL-terminated; NULL: the account client's region */
	const char *const *instance_ids; /**< NULL-terminated; NULL: every instance */
	const char *skip_tag;         /**< NULL: AWP_AWS_SKIP_TAG */
	const char *scanner_account;  /**< saas: the account to share with; NULL: the reader's (STS GetCallerIdentity) */
	const char *kms_key_id;       /**< saas: encrypted snapshots are copied with this key (shared with the scanner) */
	int64_t sweep_age_s;          /**< sweep awp's snapshots older than this; < 0: 6 h */
	unsigned snapshot_timeout_s;  /**< wait for completion at most this long; 0: 1800 */
	unsigned instance_timeout_s;  /**< reading + scanning one instance; 0: no limit */
	uint64_t max_instance_gib;    /**< refuse instances whose volumes add up to more; 0: no limit */
	unsigned poll_ms;             /**< first DescribeSnapshots poll interval (doubles up to 15 s); 0: 2000 */
	const char *scan_id;          /**< NULL: "awp-<unix time>-<pid>" */
	awp_aws_scan_fs_cb scan;      /**< NULL: only discover, snapshot, assemble */
	void *scan_payload;
	awp_aws_instance_cb on_instance;
	void *payload;
	volatile sig_atomic_t *cancel; /**< nonzero: stop at the next check and clean up (a signal handler sets it) */
	awp_ebs_options ebs;
} awp_aws_scan_options;

#define AWP_AWS_SCAN_OPTIONS_INIT                                                                                  \
	{AWP_AWS_SCAN_OPTIONS_VERSION, AWP_AWS_IN_ACCOUNT, NULL, NULL, NULL, NULL, NULL, -1, 0, 0, 0, 0, NULL, NULL,  \
	 NULL, NULL, NULL, NULL, AWP_EBS_OPTIONS_INIT}

typedef struct awp_aws_scan awp_aws_scan;

/**
 * Prepare a scan. `account` discovers instances and manages snapshots (in
 * saas mode: a client that assumed the customer's role); `reader` reads
 * snapshots through the EBS direct APIs (NULL: `account`). Both are
 * borrowed and must outlive the scan.
 */
AWP_EXTERN int awp_aws_scan_new(awp_aws_scan **out, awp_aws_client *account, awp_aws_client *reader,
				const awp_aws_scan_options *opts);
/**
 * Sweep old snapshots, discover, then scan instance after instance. Every
 * snapshot made is deleted before the call returns, whatever happened.
 * @return 0 when discovery worked (per-instance failures are results),
 *         AWP_ECANCELED when canceled, or discovery's error
 */
AWP_EXTERN int awp_aws_scan_run(awp_aws_scan *s);
/**
 * Delete every snapshot this scan created and has not deleted yet (for an
 * atexit handler or after a signal). Safe to call more than once.
 * @return the number still left after trying
 */
AWP_EXTERN size_t awp_aws_scan_cleanup(awp_aws_scan *s);
AWP_EXTERN void awp_aws_scan_free(awp_aws_scan *s);

AWP_EXTERN const char *awp_aws_scan_id(const awp_aws_scan *s);
AWP_EXTERN size_t awp_aws_scan_count(const awp_aws_scan *s);
AWP_EXTERN const awp_aws_instance_result *awp_aws_scan_get(const awp_aws_scan *s, size_t i);
/** Snapshots deleted by the sweeper at the start of the run. */
AWP_EXTERN size_t awp_aws_scan_swept(const awp_aws_scan *s);

/**
 * One instance's result as JSON (schema "awp.aws-instance/1"), with the
 * scan callback's report embedded as "report". Caller frees *out.
 */
AWP_EXTERN int awp_aws_instance_json(char **out, const awp_aws_scan *s, const awp_aws_instance_result *r);

#ifdef __cplusplus
}
#endif
#endif
