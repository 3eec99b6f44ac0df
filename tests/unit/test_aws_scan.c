/*
 * The instance scan library (awp/aws_scan.h) against moto on loopback:
 *  - blocks fetched through the EBS direct API for an inventory of the
 *    uploaded image, against the distinct 512 KiB blocks the same inventory
 *    touches on the raw image file (target: at most 1.1x). Uses the Debian
 *    fixture when AWP_AWS_BIG=1 and it is present, else the small one;
 *  - the instance time limit turns into Failed/time_limit, and cancellation
 *    into Failed/canceled, with every snapshot deleted;
 *  - device-name parsing for fstab placement.
 * Skips (77) when moto is not installed.
 */
#include "harness.h"
#include "moto.h"
#include "fscompare.h"

#include "cloud/cloud_int.h"

#include <awp/inventory.h>
#include <awp/sys/source.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static test_moto moto;

/* Run python with boto3's ec2 client as `ec2`; first line of stdout into out. */
static int py(char *out, size_t len, const char *dir, const char *code)
{
	char file[512];
	snprintf(file, sizeof file, "%s/py.out", dir);
	int rc = test_sh("AWP_EP=%s python3 - > %s <<'EOF'\nimport boto3, os, json\n"
			 "ec2 = boto3.client('ec2', endpoint_url=os.environ['AWP_EP'], region_name='us-east-1',"
			 " aws_access_key_id='AKIDTESTAWP', aws_secret_access_key='awp/secret+TEST/key')\n%s\nEOF",
			 moto.endpoint, file, code);
	if (out) {
		out[0] = '\0';
		FILE *f = fopen(file, "r");
		if (f) {
			if (!fgets(out, (int)len, f))
				out[0] = '\0';
			fclose(f);
		}
		out[strcspn(out, "\n")] = '\0';
	}
	return rc;
}

/* ---- a source that records which 512 KiB blocks were read ---- */

typedef struct counting {
	awp_source *inner;
	uint8_t *seen;
	size_t nblocks;
} counting;

static int c_read(void *ctx, void *buf, size_t len, uint64_t off)
{
	counting *c = ctx;
	for (uint64_t b = off >> 19; len && b <= (off + len - 1) >> 19 && b < c->nblocks; b++)
		c->seen[b] = 1;
	return awp_source_read(c->inner, buf, len, off);
}

static void c_close(void *ctx)
{
	counting *c = ctx;
	awp_source_free(c->inner);
	free(c->seen);
	free(c);
}

static const awp_source_ops counting_ops = {AWP_SOURCE_OPS_VERSION, "counting", 1, c_read, c_close};

static int inventory_cb(char **report, size_t *findings, awp_fs *fs, const char *target, void *payload)
{
	(void)target;
	awp_inventory *inv = NULL;
	int err = awp_inventory_collect(&inv, fs, NULL);
	if (err >= 0) {
		*(size_t *)payload = awp_inventory_count(inv);
		*report = strdup("{}");
		*findings = 0;
	}
	awp_inventory_free(inv);
	return err;
}

static volatile sig_atomic_t stop_flag;

static void cancel_cb(const awp_aws_instance_result *r, void *payload)
{
	(void)r, (void)payload;
}

static int cancel_scan(char **report, size_t *findings, awp_fs *fs, const char *target, void *payload)
{
	stop_flag = 1; /* as a SIGTERM during the read */
	return inventory_cb(report, findings, fs, target, payload);
}

static size_t awp_snapshots_left(const char *dir)
{
	char out[64];
	py(out, sizeof out, dir,
	   "print(len(ec2.describe_snapshots(OwnerIds=['self'], Filters=[{'Name': 'tag:awp:managed', 'Values': ['true']}])['Snapshots']))");
	return (size_t)strtoul(out, NULL, 10);
}

static void test_devices(void)
{
	char b[64];
	int p;
	CHECK(cloud_parse_device("/dev/sdf1", b, sizeof b, &p) == 0 && strcmp(b, "xvdf") == 0 && p == 1);
	CHECK(cloud_parse_device("/dev/xvdf", b, sizeof b, &p) == 0 && strcmp(b, "xvdf") == 0 && p == 0);
	CHECK(cloud_parse_device("/dev/xvdba12", b, sizeof b, &p) == 0 && strcmp(b, "xvdba") == 0 && p == 12);
	CHECK(cloud_parse_device("/dev/nvme1n1p2", b, sizeof b, &p) == 0 && strcmp(b, "nvme1") == 0 && p == 2);
	CHECK(cloud_parse_device("/dev/nvme0n1", b, sizeof b, &p) == 0 && strcmp(b, "nvme0") == 0 && p == 0);
	CHECK(cloud_parse_device("/dev/nvmeXn1", b, sizeof b, &p) < 0);
	CHECK(cloud_parse_device("/dev/mapper/vg-root", b, sizeof b, &p) < 0);
	CHECK(cloud_parse_device("/dev/nvme1n1p2x", b, sizeof b, &p) < 0);
}

void test_main(void)
{
	test_devices();
	const char *img = NULL;
	const char *big = test_env("AWP_AWS_BIG");
	if (big && strcmp(big, "1") == 0)
		img = test_fixture("debian12-ext4-gpt.raw");
	if (!img)
		img = test_fixture("small-synthetic-ext4.raw");
	if (!img)
		test_skip("fixture images absent");
	char *dir = test_tmpdir();
	test_moto_start(&moto, dir, NULL);
	setenv("AWS_ENDPOINT_URL", moto.endpoint, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDTESTAWP", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "awp/secret+TEST/key", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
	unsetenv("AWS_PROFILE");
	unsetenv("AWS_SESSION_TOKEN");

	char snap[64] = "", inst[256] = "";
	CHECK(test_sh("python3 %s upload --endpoint %s %s > %s/snap 2>/dev/null", moto.script, moto.endpoint, img, dir) == 0);
	char path[600];
	snprintf(path, sizeof path, "%s/snap", dir);
	FILE *f = fopen(path, "r");
	if (f) {
		if (!fgets(snap, sizeof snap, f))
			snap[0] = '\0';
		fclose(f);
	}
	snap[strcspn(snap, "\n")] = '\0';
	CHECK(py(inst, sizeof inst, dir,
		 "img = [i['ImageId'] for i in ec2.describe_images(Owners=['amazon'])['Images'] if i.get('Platform') != 'windows'][0]\n"
		 "i = ec2.run_instances(ImageId=img, MinCount=1, MaxCount=1)['Instances'][0]\n"
		 "print(i['InstanceId'] + ' ' + i['BlockDeviceMappings'][0]['Ebs']['VolumeId'])") == 0);
	char *sp = strchr(inst, ' ');
	if (!sp || strncmp(snap, "snap-", 5) != 0)
		goto done;
	*sp = '\0';
	CHECK(test_sh("python3 %s control --endpoint %s '{\"volume_data\": {\"%s\": \"%s\"}}'", moto.script, moto.endpoint, sp + 1,
		      snap) == 0);

	awp_aws_client *c = NULL;
	CHECK_OK(awp_aws_client_new(&c, NULL));
	if (!c)
		goto done;
	const char *ids[] = {inst, NULL};

	/* 1. blocks fetched vs blocks touched */
	size_t npk_ebs = 0, npk_raw = 0;
	awp_aws_scan_options o = AWP_AWS_SCAN_OPTIONS_INIT;
	o.instance_ids = ids;
	o.scan = inventory_cb;
	o.scan_payload = &npk_ebs;
	o.poll_ms = 100;
	awp_aws_scan *s = NULL;
	CHECK_OK(awp_aws_scan_new(&s, c, NULL, &o));
	if (s) {
		CHECK_OK(awp_aws_scan_run(s));
		CHECK_EQ_INT(awp_aws_scan_count(s), 1);
		const awp_aws_instance_result *r = awp_aws_scan_get(s, 0);
		if (r) {
			/* the Debian fixture's fstab mounts /boot/efi, a directory its root
			 * filesystem lacks: partial, with the EFI volume's reason */
			CHECK(r->status == AWP_INSTANCE_SCANNED || r->status == AWP_INSTANCE_PARTIAL);
			for (size_t i = 0; i < r->volume_count; i++)
				if (!r->volumes[i].read)
					printf("  volume %s %s: %s\n", r->volumes[i].name, r->volumes[i].fs_type,
					       r->volumes[i].reason_code);
			CHECK_EQ_INT(r->snapshot_count, 1);
			CHECK_EQ_INT(r->snapshots_left, 0);

			awp_source *raw = NULL, *cs = NULL;
			awp_target *t = NULL;
			awp_inventory *inv = NULL;
			counting *cc = calloc(1, sizeof(*cc));
			CHECK_OK(awp_source_open(&raw, img));
			if (raw && cc) {
				cc->inner = raw;
				cc->nblocks = (size_t)((awp_source_size(raw) >> 19) + 1);
				cc->seen = calloc(cc->nblocks, 1);
				CHECK_OK(awp_source_new(&cs, &counting_ops, cc, awp_source_size(raw), img));
				if (cs) {
					CHECK_OK(awp_target_open_source(&t, cs, img));
					awp_fs *fs = t ? awp_target_pick_fs(t, NULL) : NULL;
					if (fs)
						CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
					npk_raw = inv ? awp_inventory_count(inv) : 0;
				}
				size_t touched = 0;
				for (size_t i = 0; cc->seen && i < cc->nblocks; i++)
					touched += cc->seen[i];
				printf("%s: inventory (%zu packages) fetched %llu of %llu blocks in the snapshot; the same "
				       "inventory touches %zu distinct blocks of the image file (ratio %.3f)\n",
				       img, npk_ebs, (unsigned long long)r->blocks_fetched, (unsigned long long)r->blocks_listed,
				       touched, touched ? (double)r->blocks_fetched / (double)touched : 0.0);
				CHECK(touched > 0);
				CHECK((double)r->blocks_fetched <= 1.1 * (double)touched);
				CHECK(r->blocks_fetched <= r->blocks_listed);
			} else {
				free(cc);
				awp_source_free(raw);
			}
			CHECK_EQ_INT(npk_ebs, npk_raw);
			awp_inventory_free(inv);
			awp_target_free(t);
			awp_source_free(cs);
		}
	}
	awp_aws_scan_free(s);
	CHECK_EQ_INT(awp_snapshots_left(dir), 0);

	/* 2. the instance time limit */
	CHECK(test_sh("python3 %s control --endpoint %s '{\"latency_ms\": 1500}'", moto.script, moto.endpoint) == 0);
	o.instance_timeout_s = 1;
	s = NULL;
	CHECK_OK(awp_aws_scan_new(&s, c, NULL, &o));
	if (s) {
		CHECK_OK(awp_aws_scan_run(s));
		const awp_aws_instance_result *r = awp_aws_scan_get(s, 0);
		if (r) {
			CHECK_EQ_STR(awp_instance_status_name(r->status), "failed");
			CHECK_EQ_STR(r->reason_code, "time_limit");
		}
	}
	awp_aws_scan_free(s);
	CHECK_EQ_INT(awp_snapshots_left(dir), 0);
	CHECK(test_sh("python3 %s control --endpoint %s '{}'", moto.script, moto.endpoint) == 0);

	/* 3. canceled while reading */
	o.instance_timeout_s = 0;
	o.scan = cancel_scan;
	o.cancel = &stop_flag;
	o.on_instance = cancel_cb;
	s = NULL;
	CHECK_OK(awp_aws_scan_new(&s, c, NULL, &o));
	if (s) {
		CHECK_EQ_INT(awp_aws_scan_run(s), AWP_ECANCELED);
		const awp_aws_instance_result *r = awp_aws_scan_get(s, 0);
		if (r)
			CHECK_EQ_STR(r->reason_code, "canceled");
		CHECK_EQ_INT(awp_aws_scan_cleanup(s), 0);
	}
	awp_aws_scan_free(s);
	CHECK_EQ_INT(awp_snapshots_left(dir), 0);

	/* 4. bad options */
	o.scan_id = "bad id;rm";
	s = NULL;
	CHECK_EQ_INT(awp_aws_scan_new(&s, c, NULL, &o), AWP_EINVAL);
	awp_aws_client_free(c);
done:
	test_moto_stop(&moto);
	test_rmtree(dir);
	free(dir);
}
