/*
 * awp's EC2 client against moto on loopback (tests/integration/aws_moto.py,
 * which also checks every SigV4 signature with botocore): instances made
 * with boto3 (Linux and Windows, running and stopped, tagged), filters,
 * pagination over many instances, CreateSnapshots/CreateSnapshot,
 * DescribeSnapshots by tag, CreateTags, ModifySnapshotAttribute,
 * CopySnapshot with a KMS key, DeleteSnapshot; then the EBS source on an
 * uploaded image compared file by file with the raw image, its statistics,
 * and read throughput at 1, 8 and 64 requests in flight with injected
 * per-block latency. Skips (77) when moto is not installed.
 */
#include "harness.h"
#include "moto.h"
#include "fscompare.h"

#include "cloud/aws/aws_int.h"

#include <awp/fs.h>
#include <awp/volume.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static test_moto moto;


static int py(const char *code)
{
	return test_sh("AWP_EP=%s python3 - <<'EOF'\nimport boto3, os\n"
		       "ec2 = boto3.client('ec2', endpoint_url=os.environ['AWP_EP'], region_name='us-east-1',"
		       " aws_access_key_id='AKIDTESTAWP', aws_secret_access_key='awp/secret+TEST/key')\n%s\nEOF",
		       moto.endpoint, code);
}

static int ctl(const char *json)
{
	return test_sh("python3 %s control --endpoint %s '%s'", moto.script, moto.endpoint, json);
}

static size_t count_with_tag(const awp_aws_list *l, const char *key)
{
	size_t n = 0;
	for (size_t i = 0; i < l->count; i++)
		n += awp_aws_tag_get(l->u.instances[i].tags, l->u.instances[i].ntags, key) != NULL;
	return n;
}

static void test_ec2(awp_aws_client *c)
{
	/* 3 Linux running (one tagged to skip), 1 Linux stopped, 1 Windows, and
	 * 20 untagged fillers, one reservation each, for pagination */
	CHECK(py("img = ec2.describe_images(Owners=['amazon'])['Images']\n"
		 "lin = [i['ImageId'] for i in img if i.get('Platform') != 'windows'][0]\n"
		 "win = [i['ImageId'] for i in img if i.get('Platform') == 'windows'][0]\n"
		 "def run(image, tags, n=1):\n"
		 "    ts = [{'ResourceType': 'instance', 'Tags': [{'Key': k, 'Value': v} for k, v in tags.items()]}] if tags else []\n"
		 "    return [i['InstanceId'] for i in ec2.run_instances(ImageId=image, MinCount=n, MaxCount=n, TagSpecifications=ts)['Instances']]\n"
		 "run(lin, {'role': 'web'}, 2)\n"
		 "run(lin, {'role': 'web', 'CG_AWP_SKIP_SCAN': ''})\n"
		 "s = run(lin, {'role': 'batch'})\n"
		 "ec2.stop_instances(InstanceIds=s)\n"
		 "run(win, {'role': 'win'})\n"
		 "for _ in range(20): run(lin, {})\n") == 0);

	c->page_size = 7; /* many pages */
	awp_aws_list *l = NULL;
	CHECK_OK(awp_aws_describe_instances(&l, c, NULL, NULL, 0));
	if (l) {
		CHECK_EQ_INT(l->count, 25);
		CHECK_EQ_INT(count_with_tag(l, "CG_AWP_SKIP_SCAN"), 1);
		size_t win = 0, running = 0;
		for (size_t i = 0; i < l->count; i++) {
			win += awp_aws_instance_is_windows(&l->u.instances[i]);
			running += strcmp(l->u.instances[i].state, "running") == 0;
			CHECK(l->u.instances[i].ndevices >= 1);
		}
		CHECK_EQ_INT(win, 1);
		CHECK_EQ_INT(running, 24);
	}
	awp_aws_list_free(l);
	unsigned long long calls = 0;
	awp_aws_client_stats(c, &calls, NULL);
	CHECK(calls >= 4); /* 24 reservations, 7 per page */

	const char *const states[] = {"running", NULL};
	const char *const roles[] = {"web", NULL};
	awp_aws_filter f[] = {{"instance-state-name", states}, {"tag:role", roles}};
	l = NULL;
	CHECK_OK(awp_aws_describe_instances(&l, c, NULL, f, 2));
	if (l)
		CHECK_EQ_INT(l->count, 3);
	/* the instance's image tells its platform too */
	char *inst = NULL, *img = NULL, *vol = NULL;
	if (l && l->count) {
		inst = strdup(l->u.instances[0].instance_id);
		img = strdup(l->u.instances[0].image_id);
		vol = strdup(l->u.instances[0].devices[0].volume_id);
	}
	awp_aws_list_free(l);
	if (!inst)
		return;
	const char *ids[] = {inst, NULL};
	l = NULL;
	CHECK_OK(awp_aws_describe_instances(&l, c, ids, NULL, 0));
	if (l)
		CHECK_EQ_INT(l->count, 1);
	awp_aws_list_free(l);
	const char *imgs[] = {img, NULL};
	l = NULL;
	CHECK_OK(awp_aws_describe_images(&l, c, imgs));
	if (l && l->count == 1)
		CHECK(strcmp(l->u.images[0].platform, "windows") != 0);
	awp_aws_list_free(l);

	const char *const vids[] = {vol, NULL};
	l = NULL;
	CHECK_OK(awp_aws_describe_volumes(&l, c, vids, NULL, 0));
	if (l && l->count == 1)
		CHECK(l->u.volumes[0].size_gib > 0);
	awp_aws_list_free(l);

	/* snapshot lifecycle */
	awp_aws_tag tags[] = {{"awp:scan-id", "scan-1"}, {"awp:instance", inst}};
	l = NULL;
	CHECK_OK(awp_aws_create_snapshots(&l, c, inst, "awp scan scan-1", tags, 2));
	size_t nsnaps = l ? l->count : 0;
	CHECK(nsnaps >= 1);
	char *one = NULL;
	CHECK_OK(awp_aws_create_snapshot(&one, c, vol, "awp single", tags, 2));
	const char *const scan[] = {"scan-1", NULL};
	awp_aws_filter byscan = {"tag:awp:scan-id", scan};
	awp_aws_list *s = NULL;
	CHECK_OK(awp_aws_describe_snapshots(&s, c, "self", NULL, &byscan, 1));
	if (s) {
		CHECK_EQ_INT(s->count, nsnaps + 1);
		for (size_t i = 0; i < s->count; i++) {
			CHECK_EQ_STR(awp_aws_tag_get(s->u.snapshots[i].tags, s->u.snapshots[i].ntags, "awp:instance"), inst);
			CHECK(strncmp(s->u.snapshots[i].description, "awp", 3) == 0);
		}
	}
	awp_aws_list_free(s);
	awp_aws_tag extra = {"awp:state", "reading"};
	CHECK_OK(awp_aws_create_tags(c, one, &extra, 1));
	CHECK_OK(awp_aws_share_snapshot(c, one, "111122223333", 0));
	char code[512];
	snprintf(code, sizeof code,
		 "r = ec2.describe_snapshot_attribute(SnapshotId='%s', Attribute='createVolumePermission')\n"
		 "assert r['CreateVolumePermissions'] == [{'UserId': '111122223333'}], r\n"
		 "t = ec2.describe_snapshots(SnapshotIds=['%s'])['Snapshots'][0]['Tags']\n"
		 "assert {'Key': 'awp:state', 'Value': 'reading'} in t, t\n",
		 one, one);
	CHECK(py(code) == 0);
	char *copy = NULL;
	CHECK_OK(awp_aws_copy_snapshot(&copy, c, "us-east-1", one, "arn:aws:kms:us-east-1:111122223333:key/abc",
				       "awp copy", tags, 1));
	s = NULL;
	const char *const cid[] = {copy, NULL};
	if (copy)
		CHECK_OK(awp_aws_describe_snapshots(&s, c, NULL, cid, NULL, 0));
	if (s && s->count == 1) {
		CHECK(s->u.snapshots[0].encrypted);
		CHECK_EQ_STR(s->u.snapshots[0].kms_key_id, "arn:aws:kms:us-east-1:111122223333:key/abc");
	}
	awp_aws_list_free(s);

	/* delete all of them; none left */
	for (size_t i = 0; l && i < l->count; i++)
		CHECK_OK(awp_aws_delete_snapshot(c, l->u.ids[i]));
	CHECK_OK(awp_aws_delete_snapshot(c, one));
	if (copy)
		CHECK_OK(awp_aws_delete_snapshot(c, copy));
	s = NULL;
	CHECK_OK(awp_aws_describe_snapshots(&s, c, "self", NULL, &byscan, 1));
	if (s)
		CHECK_EQ_INT(s->count, 0);
	awp_aws_list_free(s);
	/* a missing snapshot is ENOTFOUND with AWS's code in the message */
	CHECK_EQ_INT(awp_aws_delete_snapshot(c, one), AWP_ENOTFOUND);
	CHECK(strstr(awp_error_last(), "InvalidSnapshot.NotFound") != NULL);
	awp_aws_list_free(l);

	/* throttling on EC2 is retried */
	CHECK(ctl("{\"faults\": [{\"match\": \"DescribeInstances\", \"status\": 503, \"count\": 2}, "
		  "{\"match\": \"DescribeInstances\", \"status\": 400, \"code\": \"RequestLimitExceeded\", \"count\": 1}]}") == 0);
	unsigned long long r0 = 0, r1 = 0;
	awp_aws_client_stats(c, NULL, &r0);
	l = NULL;
	CHECK_OK(awp_aws_describe_instances(&l, c, ids, NULL, 0));
	awp_aws_client_stats(c, NULL, &r1);
	CHECK_EQ_INT(r1 - r0, 3);
	awp_aws_list_free(l);
	ctl("{}");
	free(copy);
	free(one);
	free(inst);
	free(img);
	free(vol);
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void test_ebs(awp_aws_client *c, const char *dir)
{
	const char *img = test_fixture("small-synthetic-ext4.raw");
	if (!img) {
		printf("small-synthetic-ext4.raw absent: EBS part skipped\n");
		return;
	}
	char snapfile[512], snap[64] = "";
	snprintf(snapfile, sizeof snapfile, "%s/snap", dir);
	CHECK(test_sh("python3 %s upload --endpoint %s %s > %s 2>/dev/null", moto.script, moto.endpoint, img, snapfile) == 0);
	FILE *f = fopen(snapfile, "r");
	if (f) {
		if (!fgets(snap, sizeof snap, f))
			snap[0] = '\0';
		fclose(f);
	}
	snap[strcspn(snap, "\n")] = '\0';
	CHECK(strncmp(snap, "snap-", 5) == 0);

	awp_source *src = NULL, *raw = NULL;
	CHECK_OK(awp_source_open_ebs(&src, c, snap));
	CHECK_OK(awp_source_open(&raw, img));
	if (!src || !raw)
		goto done;
	CHECK_EQ_INT(awp_source_size(src), 1ull << 30);
	CHECK_EQ_STR(awp_source_format(src), "ebs");
	/* byte equality over the image, in odd-sized reads crossing blocks;
	 * past the image: zeros */
	uint64_t sz = awp_source_size(raw);
	size_t chunk = 3 * 512 * 1024 + 4097;
	uint8_t *a = malloc(chunk), *b = malloc(chunk);
	int same = 1;
	for (uint64_t off = 0; off < sz && a && b; off += chunk) {
		size_t n = sz - off < chunk ? (size_t)(sz - off) : chunk;
		if (awp_source_read(src, a, n, off) < 0 || awp_source_read(raw, b, n, off) < 0 || memcmp(a, b, n) != 0) {
			same = 0;
			break;
		}
	}
	CHECK(same);
	if (a) {
		memset(a, 0xAA, 4096);
		CHECK_OK(awp_source_read(src, a, 4096, (1ull << 30) - 4096));
		int zero = 1;
		for (int i = 0; i < 4096; i++)
			zero &= a[i] == 0;
		CHECK(zero);
	}
	free(a);
	free(b);
	awp_ebs_stats st;
	awp_source_ebs_stats(src, &st);
	CHECK_EQ_INT(st.block_size, 512 * 1024);
	CHECK_EQ_INT(st.blocks_listed, st.blocks_fetched); /* every listed block read once: the cache holds them */
	printf("ebs %s: %llu blocks listed, %llu fetched, %llu cache hits\n", snap, (unsigned long long)st.blocks_listed,
	       (unsigned long long)st.blocks_fetched, (unsigned long long)st.cache_hits);

	/* the same filesystem, file by file */
	awp_fs *fa = NULL, *fb = NULL;
	CHECK_OK(awp_fs_open(&fa, src, "ebs"));
	CHECK_OK(awp_fs_open(&fb, raw, "raw"));
	if (fa && fb) {
		fscompare_result r;
		CHECK_OK(fscompare(fa, fb, FSCMP_MODE | FSCMP_OWNER | FSCMP_MTIME, NULL, &r));
		CHECK_EQ_INT(r.mismatches, 0);
		CHECK(r.files > 0);
	}
	awp_fs_free(fa);
	awp_fs_free(fb);

	awp_source_free(src);
	src = NULL;

	/* throughput with 100 ms per block, 1 / 8 / 64 in flight: 32 MiB of
	 * random (dense) data read at once */
	char dense[512];
	snprintf(dense, sizeof dense, "%s/dense.raw", dir);
	CHECK(test_sh("head -c 32M /dev/urandom > %s && python3 %s upload --endpoint %s %s > %s 2>/dev/null", dense,
		      moto.script, moto.endpoint, dense, snapfile) == 0);
	f = fopen(snapfile, "r");
	if (f) {
		if (!fgets(snap, sizeof snap, f))
			snap[0] = '\0';
		fclose(f);
	}
	snap[strcspn(snap, "\n")] = '\0';
	CHECK(ctl("{\"latency_ms\": 100}") == 0);
	for (int k = 0; k < 3; k++) {
		unsigned inflight = k == 0 ? 1 : k == 1 ? 8 : 64;
		awp_ebs_options o = AWP_EBS_OPTIONS_INIT;
		o.inflight = inflight;
		awp_source *s2 = NULL;
		CHECK_OK(awp_source_open_ebs_ex(&s2, c, snap, &o));
		if (!s2)
			continue;
		size_t len = 32u << 20;
		uint8_t *buf = malloc(len);
		double t0 = now_s();
		CHECK_OK(awp_source_read(s2, buf, len, 0));
		double dt = now_s() - t0;
		awp_source_ebs_stats(s2, &st);
		printf("100 ms/block, inflight %2u: %llu blocks in %.2f s = %.1f MB/s\n", inflight,
		       (unsigned long long)st.blocks_fetched, dt, (double)st.blocks_fetched * 0.524288 / dt);
		CHECK_EQ_INT(st.blocks_fetched, 64);
		if (inflight == 64)
			CHECK(dt < 3.0); /* 64 blocks in parallel: far below 64 x 100 ms */
		free(buf);
		awp_source_free(s2);
	}
	ctl("{}");
done:
	awp_source_free(src);
	awp_source_free(raw);
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(dir != NULL);
	test_moto_start(&moto, dir, "--verify-sigv4");
	setenv("AWS_ENDPOINT_URL", moto.endpoint, 1);
	setenv("AWS_ACCESS_KEY_ID", "AKIDTESTAWP", 1);
	setenv("AWS_SECRET_ACCESS_KEY", "awp/secret+TEST/key", 1);
	setenv("AWS_REGION", "us-east-1", 1);
	setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
	setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent", 1);
	setenv("AWS_CONFIG_FILE", "/nonexistent", 1);
	unsetenv("AWS_SESSION_TOKEN");
	unsetenv("AWS_PROFILE");
	awp_aws_options o = AWP_AWS_OPTIONS_INIT;
	o.retry_base_ms = 10;
	awp_aws_client *c = NULL;
	CHECK_OK(awp_aws_client_new(&c, &o));
	if (c) {
		test_ec2(c);
		test_ebs(c, dir);
	}
	awp_aws_client_free(c);
	CHECK(test_sh("! grep -q SignatureDoesNotMatch %s/server.log", dir) == 0);
	test_moto_stop(&moto);
	free(dir);
}
