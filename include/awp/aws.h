/*
 * awp/aws.h - an AWS client (Signature V4, the standard credential chain,
 * retries) with the EC2 calls awp needs, and EBS snapshots as sources read
 * through the EBS direct APIs.
 *
 * Credentials are never part of a message: errors name the call, the HTTP
 * status and AWS's error code and message only.
 */
#ifndef AWP_AWS_H
#define AWP_AWS_H

#include <awp/source.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct awp_aws_client awp_aws_client;

#define AWP_AWS_OPTIONS_VERSION 1

/**
 * How to build a client. Every NULL/0 field takes the same default as the
 * AWS CLI: region from AWS_REGION, AWS_DEFAULT_REGION, the profile's config
 * or IMDS; endpoint from AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL;
 * credentials from the environment, the shared files, then IMDSv2.
 */
typedef struct awp_aws_options {
	int version;              /**< AWP_AWS_OPTIONS_VERSION */
	const char *region;
	const char *profile;      /**< explicit profile (wins over environment keys) */
	const char *endpoint_url; /**< "http://127.0.0.1:5000": every service */
	const char *role_arn;     /**< assume this role on top of the chain */
	const char *external_id;
	const char *session_name; /**< default "awp-<pid>" */
	unsigned max_attempts;    /**< per request, including the first; default 6 */
	unsigned timeout_ms;      /**< whole request; default 60000 */
	unsigned connect_timeout_ms; /**< default 10000 */
	unsigned retry_base_ms;   /**< first backoff ceiling; default 200 */
	unsigned retry_cap_ms;    /**< backoff ceiling; default 20000 */
} awp_aws_options;

#define AWP_AWS_OPTIONS_INIT {AWP_AWS_OPTIONS_VERSION, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0}

/**
 * Resolve region, endpoint and credentials and make a client.
 * @return 0, AWP_EAUTH (no credentials / AssumeRole denied), AWP_EINVAL
 *         (no region), AWP_ENETWORK
 */
AWP_EXTERN int awp_aws_client_new(awp_aws_client **out, const awp_aws_options *opts);
/** A client for another region sharing nothing mutable with c. */
AWP_EXTERN int awp_aws_client_for_region(awp_aws_client **out, const awp_aws_client *c, const char *region);
AWP_EXTERN void awp_aws_client_free(awp_aws_client *c);
AWP_EXTERN const char *awp_aws_client_region(const awp_aws_client *c);
/** Where the credentials came from: "environment", "shared-credentials", "assume-role", "imds". */
AWP_EXTERN const char *awp_aws_client_creds_source(const awp_aws_client *c);
/** Requests sent and retries made so far. */
AWP_EXTERN void awp_aws_client_stats(const awp_aws_client *c, unsigned long long *calls,
				     unsigned long long *retries);

/* ---------------- EC2 ---------------- */

typedef struct awp_aws_tag {
	const char *key;
	const char *value;
} awp_aws_tag;

typedef struct awp_aws_filter {
	const char *name;            /**< "instance-state-name", "tag:Name", ... */
	const char *const *values;   /**< NULL-terminated */
} awp_aws_filter;

typedef struct awp_aws_block_device {
	const char *device_name; /**< "/dev/xvda" */
	const char *volume_id;
	int delete_on_termination;
} awp_aws_block_device;

typedef struct awp_aws_instance {
	const char *instance_id;
	const char *state;            /**< "running", "stopped", ... */
	const char *image_id;
	const char *instance_type;
	const char *availability_zone;
	const char *platform;         /**< "windows" or "" */
	const char *platform_details; /**< "Linux/UNIX", "Windows", "Red Hat Enterprise Linux", ... */
	const char *root_device_name;
	const char *owner_id;
	awp_aws_tag *tags;
	size_t ntags;
	awp_aws_block_device *devices;
	size_t ndevices;
} awp_aws_instance;

typedef struct awp_aws_volume {
	const char *volume_id;
	const char *state;
	const char *availability_zone;
	const char *snapshot_id;
	const char *kms_key_id;
	uint64_t size_gib;
	int encrypted;
	awp_aws_tag *tags;
	size_t ntags;
} awp_aws_volume;

typedef struct awp_aws_snapshot {
	const char *snapshot_id;
	const char *volume_id;
	const char *state;       /**< "pending", "completed", "error" */
	const char *progress;
	const char *start_time;  /**< ISO 8601 as AWS sends it */
	const char *description;
	const char *owner_id;
	const char *kms_key_id;
	uint64_t volume_size_gib;
	int encrypted;
	awp_aws_tag *tags;
	size_t ntags;
} awp_aws_snapshot;

typedef struct awp_aws_image {
	const char *image_id;
	const char *name;
	const char *platform;
	const char *platform_details;
	const char *state;
} awp_aws_image;

/** A list of results; everything inside is owned by the list. */
typedef struct awp_aws_list {
	size_t count;
	union {
		awp_aws_instance *instances;
		awp_aws_volume *volumes;
		awp_aws_snapshot *snapshots;
		awp_aws_image *images;
		const char **ids; /**< CreateSnapshots: new snapshot ids */
	} u;
	void *priv;
} awp_aws_list;

AWP_EXTERN void awp_aws_list_free(awp_aws_list *l);

/** Nonzero when the instance runs Windows (Platform or PlatformDetails). */
AWP_EXTERN int awp_aws_instance_is_windows(const awp_aws_instance *i);
/** A tag's value or NULL. */
AWP_EXTERN const char *awp_aws_tag_get(const awp_aws_tag *tags, size_t n, const char *key);

/**
 * DescribeInstances over every page. ids (NULL-terminated) and filters may
 * be NULL. Instances of every reservation are flattened into one list.
 */
AWP_EXTERN int awp_aws_describe_instances(awp_aws_list **out, awp_aws_client *c, const char *const *ids,
					  const awp_aws_filter *filters, size_t nfilters);
AWP_EXTERN int awp_aws_describe_volumes(awp_aws_list **out, awp_aws_client *c, const char *const *ids,
					const awp_aws_filter *filters, size_t nfilters);
/** DescribeSnapshots; owner "self" is typical (NULL: no OwnerId filter). */
AWP_EXTERN int awp_aws_describe_snapshots(awp_aws_list **out, awp_aws_client *c, const char *owner,
					  const char *const *ids, const awp_aws_filter *filters, size_t nfilters);
AWP_EXTERN int awp_aws_describe_images(awp_aws_list **out, awp_aws_client *c, const char *const *ids);

/** CreateSnapshot of one volume; *out_id is the caller's (free()). */
AWP_EXTERN int awp_aws_create_snapshot(char **out_id, awp_aws_client *c, const char *volume_id,
				       const char *description, const awp_aws_tag *tags, size_t ntags);
/**
 * CreateSnapshots: a crash-consistent set of every EBS volume of an
 * instance (the root volume included). Result u.ids.
 */
AWP_EXTERN int awp_aws_create_snapshots(awp_aws_list **out, awp_aws_client *c, const char *instance_id,
					const char *description, const awp_aws_tag *tags, size_t ntags);
AWP_EXTERN int awp_aws_delete_snapshot(awp_aws_client *c, const char *snapshot_id);
AWP_EXTERN int awp_aws_create_tags(awp_aws_client *c, const char *resource_id, const awp_aws_tag *tags,
				   size_t ntags);
/** ModifySnapshotAttribute createVolumePermission add (remove=0) or remove account. */
AWP_EXTERN int awp_aws_share_snapshot(awp_aws_client *c, const char *snapshot_id, const char *account_id,
				      int remove);
/** CopySnapshot within the client's region from source_region; kms_key_id may be NULL. */
AWP_EXTERN int awp_aws_copy_snapshot(char **out_id, awp_aws_client *c, const char *source_region,
				     const char *snapshot_id, const char *kms_key_id, const char *description,
				     const awp_aws_tag *tags, size_t ntags);

/* ---------------- EBS direct as a source ---------------- */

#define AWP_EBS_OPTIONS_VERSION 1

typedef struct awp_ebs_options {
	int version;           /**< AWP_EBS_OPTIONS_VERSION */
	unsigned inflight;     /**< parallel GetSnapshotBlock requests, default 16 */
	size_t cache_bytes;    /**< LRU cache of blocks, default 64 MiB */
	unsigned readahead;    /**< blocks fetched past a sequential read, default 0 */
} awp_ebs_options;

#define AWP_EBS_OPTIONS_INIT {AWP_EBS_OPTIONS_VERSION, 0, 0, 0}

/**
 * Open snapshot `snapshot_id` as a source of VolumeSize GiB. The block list
 * (ListSnapshotBlocks) is read at open; blocks are fetched on demand, in
 * parallel, checked against their SHA-256, kept in memory only; blocks not
 * listed read as zeros. The source holds its own client for `c`'s region.
 */
AWP_EXTERN int awp_source_open_ebs(awp_source **out, awp_aws_client *c, const char *snapshot_id);
AWP_EXTERN int awp_source_open_ebs_ex(awp_source **out, awp_aws_client *c, const char *snapshot_id,
				      const awp_ebs_options *opts);

typedef struct awp_ebs_stats {
	uint64_t blocks_listed;   /**< blocks with data in the snapshot */
	uint64_t blocks_fetched;  /**< GetSnapshotBlock successes */
	uint64_t cache_hits;
	uint64_t retries;
	uint64_t block_size;
} awp_ebs_stats;

/** Statistics of an EBS source (zeros for any other source). */
AWP_EXTERN void awp_source_ebs_stats(const awp_source *src, awp_ebs_stats *out);

#ifdef __cplusplus
}
#endif
#endif
