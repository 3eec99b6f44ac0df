/*
 * Go build info and cargo-auditable data in ELF executables. Go is not
 * installed on the build machines (and `cargo auditable` is not either), so
 * the test crafts the files: ELF64 little endian with a .go.buildinfo
 * section in the Go >= 1.18 inline format and a zlib-compressed .dep-v0;
 * ELF32 big endian with the older pointer format (string headers reached
 * through the PT_LOAD mapping); an ELF without section headers (the magic
 * is found by scanning the writable segment); and damaged ones.
 */
#include "harness.h"
#include "fscompare.h"

#include <awp/inventory.h>

#include <stdlib.h>
#include <sys/stat.h>
#include <zlib.h>

struct img {
	unsigned char b[65536];
	size_t n;
	int is64, be;
};

static void put(struct img *m, size_t off, uint64_t v, int size)
{
	for (int i = 0; i < size; i++) {
		int shift = m->be ? (size - 1 - i) * 8 : i * 8;
		m->b[off + (size_t)i] = (unsigned char)(v >> shift);
	}
}

static size_t append(struct img *m, const void *data, size_t len, size_t align)
{
	while (m->n % align)
		m->n++;
	size_t at = m->n;
	memcpy(m->b + at, data, len);
	m->n += len;
	return at;
}

#define BASE 0x400000u

struct sec {
	const char *name;
	const void *data;
	size_t len;
	size_t off; /* filled */
};

/* ELF with one RW PT_LOAD mapping the whole file at BASE; sections given
 * (plus null and .shstrtab) unless nosections. `fix` patches section data
 * once offsets are known. */
static void build(struct img *m, int is64, int be, struct sec *s, size_t ns, int nosections,
		  void (*fix)(struct img *, struct sec *))
{
	memset(m, 0, sizeof(*m));
	m->is64 = is64;
	m->be = be;
	size_t eh = is64 ? 64 : 52, ph = is64 ? 56 : 32, sh = is64 ? 64 : 40;
	memcpy(m->b, "\x7f" "ELF", 4);
	m->b[4] = is64 ? 2 : 1;
	m->b[5] = be ? 2 : 1;
	m->b[6] = 1;
	put(m, 16, 2, 2); /* ET_EXEC */
	m->n = eh + ph;
	for (size_t i = 0; i < ns; i++)
		s[i].off = append(m, s[i].data, s[i].len, 32);
	if (fix)
		fix(m, s);
	char names[256] = "";
	size_t nl = 1, noff[16];
	for (size_t i = 0; i < ns; i++) {
		noff[i] = nl;
		memcpy(names + nl, s[i].name, strlen(s[i].name) + 1);
		nl += strlen(s[i].name) + 1;
	}
	noff[ns] = nl;
	memcpy(names + nl, ".shstrtab", 10);
	nl += 10;
	size_t stroff = append(m, names, nl, 1);
	size_t shoff = 0, shnum = 0;
	if (!nosections) {
		while (m->n % 8)
			m->n++;
		shoff = m->n;
		shnum = ns + 2;
		m->n += shnum * sh;
		for (size_t i = 0; i <= ns; i++) {
			size_t o = shoff + (i + 1) * sh;
			put(m, o, noff[i], 4);
			put(m, o + 4, i == ns ? 3 : 1, 4); /* SHT_STRTAB / SHT_PROGBITS */
			uint64_t off = i == ns ? stroff : s[i].off, len = i == ns ? nl : s[i].len;
			if (is64) {
				put(m, o + 16, BASE + off, 8);
				put(m, o + 24, off, 8);
				put(m, o + 32, len, 8);
			} else {
				put(m, o + 12, BASE + off, 4);
				put(m, o + 16, off, 4);
				put(m, o + 20, len, 4);
			}
		}
	}
	/* ELF header fields */
	if (is64) {
		put(m, 0x20, eh, 8);
		put(m, 0x28, shoff, 8);
		put(m, 0x34, eh, 2);
		put(m, 0x36, ph, 2);
		put(m, 0x38, 1, 2);
		put(m, 0x3a, sh, 2);
		put(m, 0x3c, shnum, 2);
		put(m, 0x3e, shnum ? ns + 1 : 0, 2);
		put(m, eh, 1, 4);      /* PT_LOAD */
		put(m, eh + 4, 6, 4);  /* RW */
		put(m, eh + 8, 0, 8);
		put(m, eh + 16, BASE, 8);
		put(m, eh + 32, m->n, 8);
		put(m, eh + 40, m->n, 8);
	} else {
		put(m, 0x1c, eh, 4);
		put(m, 0x20, shoff, 4);
		put(m, 0x28, eh, 2);
		put(m, 0x2a, ph, 2);
		put(m, 0x2c, 1, 2);
		put(m, 0x2e, sh, 2);
		put(m, 0x30, shnum, 2);
		put(m, 0x32, shnum ? ns + 1 : 0, 2);
		put(m, eh, 1, 4);
		put(m, eh + 4, 0, 4);
		put(m, eh + 8, BASE, 4);
		put(m, eh + 16, m->n, 4);
		put(m, eh + 20, m->n, 4);
		put(m, eh + 24, 6, 4);
	}
}

static const char sentinel[17] = "0123456789abcdef";
static const char modtext[] =
	"path\texample.com/app/cmd/app\n"
	"mod\texample.com/app\t(devel)\t\n"
	"dep\tgithub.com/a/b\tv1.2.3\th1:abc=\n"
	"dep\tgolang.org/x/net\tv0.1.0\th1:x=\n"
	"=>\tgolang.org/x/net\tv0.17.0\th1:y=\n"
	"dep\tgithub.com/local/dep\tv0.0.0\t\n"
	"=>\t../dep\t\t\n"
	"build\t-compiler=gc\n";

/* Go >= 1.18 inline build info. */
static size_t go_inline(unsigned char *out, const char *version)
{
	size_t n = 0;
	memcpy(out, "\xff Go buildinf:", 14);
	out[14] = 8;
	out[15] = 2;
	n = 32;
	out[n++] = (unsigned char)strlen(version);
	memcpy(out + n, version, strlen(version));
	n += strlen(version);
	size_t ml = 16 + strlen(modtext) + 16;
	out[n++] = (unsigned char)(0x80 | (ml & 0x7f));
	out[n++] = (unsigned char)(ml >> 7);
	memcpy(out + n, sentinel, 16);
	memcpy(out + n + 16, modtext, strlen(modtext));
	memcpy(out + n + 16 + strlen(modtext), sentinel, 16);
	return n + ml;
}

/* Old format (32-bit big endian): header, then two string headers, then data. */
static unsigned char oldsec[2048];
static size_t oldlen;
static void fix_old(struct img *m, struct sec *s)
{
	size_t base = s[0].off;
	size_t vhdr = base + 32, mhdr = base + 40, vdata = base + 48;
	size_t vlen = strlen("go1.16.15"), mdata = vdata + vlen, mlen = strlen(modtext) + 32;
	put(m, base + 16, BASE + vhdr, 4);
	put(m, base + 20, BASE + mhdr, 4);
	put(m, vhdr, BASE + vdata, 4);
	put(m, vhdr + 4, vlen, 4);
	put(m, mhdr, BASE + mdata, 4);
	put(m, mhdr + 4, mlen, 4);
}

static void write_file(const char *dir, const char *name, const void *data, size_t len, int mode)
{
	char path[1024];
	snprintf(path, sizeof path, "%s/bin/%s", dir, name);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (!f)
		return;
	fwrite(data, 1, len, f);
	fclose(f);
	chmod(path, (mode_t)mode);
}

static const awp_package *get(const awp_inventory *inv, const char *type, const char *name, const char *version,
			      const char *path)
{
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		if (strcmp(p->type, type) == 0 && strcmp(p->name, name) == 0 && strcmp(p->version, version) == 0 &&
		    strcmp(p->path, path) == 0)
			return p;
	}
	char d[512];
	snprintf(d, sizeof d, "%s %s %s at %s", type, name, version, path);
	CHECK_MSG(0, d);
	return NULL;
}

static int warned(const awp_inventory *inv, const char *path)
{
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		if (strcmp(awp_inventory_warning_get(inv, i)->path, path) == 0)
			return 1;
	return 0;
}

static void check_go(const awp_inventory *inv, const char *path, const char *stdver)
{
	const awp_package *std = get(inv, "go", "stdlib", stdver, path);
	const awp_package *app = get(inv, "go", "example.com/app", "(devel)", path);
	get(inv, "go", "github.com/a/b", "v1.2.3", path);
	get(inv, "go", "golang.org/x/net", "v0.17.0", path); /* the replacement */
	get(inv, "go", "github.com/local/dep", "v0.0.0", path); /* local replacement: kept */
	if (std)
		CHECK_EQ_STR(std->manager, "go");
	if (app)
		CHECK_EQ_INT(app->dep_count, 4);
}

static int count_at(const awp_inventory *inv, const char *path)
{
	int n = 0;
	for (size_t i = 0; i < awp_inventory_count(inv); i++)
		n += strcmp(awp_inventory_get(inv, i)->path, path) == 0;
	return n;
}

static int no_hook(awp_fs *fs, const awp_walk_entry *e, const awp_inventory *inv, void *payload)
{
	return 0;
}

/* The same packages in the same order from the walk beside the OS
 * databases and from the walk after them. */
static void compare_paths(awp_fs *fs, const char *label)
{
	awp_inventory *par = NULL, *seq = NULL;
	awp_inventory_options seq_opts = AWP_INVENTORY_OPTIONS_INIT;
	seq_opts.on_entry = no_hook;
	CHECK_OK(awp_inventory_collect(&par, fs, NULL));
	CHECK_OK(awp_inventory_collect(&seq, fs, &seq_opts));
	if (!par || !seq)
		goto done;
	for (int k = 0; k < 2; k++) {
		const awp_inventory *inv = k ? seq : par;
		CHECK_EQ_INT(count_at(inv, "/usr/bin/ownedgo"), 0);
		CHECK_EQ_INT(count_at(inv, "/usr/local/bin/freego"), 7); /* Go 5 + cargo 2 */
		CHECK_EQ_INT(count_at(inv, "/opt/zz-go"), 5);
		CHECK_EQ_INT(count_at(inv, "/opt/aa-go"), 5);
		CHECK_EQ_INT(count_at(inv, "/opt/node_modules/a/package.json"), 1);
		CHECK_EQ_INT(count_at(inv, "/opt/lib/x.jar"), 1); /* read after the walk (libarchive loads meanwhile) */
		const awp_package *o = get(inv, "dpkg", "owner", "1.0-1", "/var/lib/dpkg/status");
		CHECK(o && o->alias_count == 0);
		CHECK_EQ_INT(awp_inventory_owner(inv, "/usr/bin/ownedgo", NULL) >= 0, 1);
		CHECK_EQ_INT(awp_inventory_owner(inv, "/usr/local/bin/freego", NULL) >= 0, 0);
	}
	CHECK_EQ_INT(awp_inventory_count(par), awp_inventory_count(seq));
	int same = awp_inventory_count(par) == awp_inventory_count(seq);
	for (size_t i = 0; same && i < awp_inventory_count(par); i++) {
		const awp_package *a = awp_inventory_get(par, i), *b = awp_inventory_get(seq, i);
		same = strcmp(a->type, b->type) == 0 && strcmp(a->name, b->name) == 0 && strcmp(a->path, b->path) == 0 &&
		       a->dep_count == b->dep_count;
		for (size_t d = 0; same && d < a->dep_count; d++)
			same = a->deps[d] == b->deps[d];
	}
	CHECK_MSG(same, label);
done:
	awp_inventory_free(par);
	awp_inventory_free(seq);
}

/* An executable dpkg installed is not read for build info (its advisories
 * are the OS package's): on a merged-/usr tree dpkg's /bin/ownedgo is
 * /usr/bin/ownedgo. The same bytes elsewhere are read. The walk beside the
 * OS databases (default: executables and jars parsed after it) and the walk
 * after them (a walk hook: parsed as met) agree, in the same order. */
static void owned_binaries(const char *dir)
{
	CHECK(test_sh("cd %s && mkdir -p m/etc m/usr/bin m/usr/local/bin m/var/lib/dpkg/info m/opt/node_modules/a && "
		      "ln -s usr/bin m/bin && printf 'ID=debian\nVERSION_ID=12\n' > m/etc/os-release && "
		      "printf 'Package: owner\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n' "
		      "> m/var/lib/dpkg/status && printf '/.\n/bin\n/bin/ownedgo\n' > m/var/lib/dpkg/info/owner.list && "
		      "cp bin/goapp m/usr/bin/ownedgo && cp bin/goapp m/usr/local/bin/freego && "
		      "cp bin/stripped m/opt/zz-go && cp bin/stripped m/opt/aa-go && mkdir -p m/opt/lib && "
		      "python3 -c \"import zipfile; z = zipfile.ZipFile('m/opt/lib/x.jar', 'w'); "
		      "z.writestr('META-INF/maven/org.ex/lib/pom.properties', 'groupId=org.ex\\nartifactId=lib\\nversion=1.2\\n'); "
		      "z.close()\" && "
		      "printf '{\"name\":\"a\",\"version\":\"1.0.0\"}' > m/opt/node_modules/a/package.json",
		      dir) == 0);
	/* the tree as a host directory, and as an ext4 image (there the
	 * OS-database thread also parses deferred files: inode numbers are the
	 * filesystem's own) */
	char root[1024];
	snprintf(root, sizeof root, "%s/m", dir);
	awp_fs *fs = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, root));
	if (fs)
		compare_paths(fs, "host directory");
	awp_fs_free(fs);
	fs = NULL;
	if (test_sh("cd %s && mke2fs -q -F -t ext4 -d m m.img 64M > /dev/null", dir) != 0) {
		CHECK_MSG(0, "mke2fs -d m failed");
		return;
	}
	char img[1100];
	snprintf(img, sizeof img, "%s/m.img", dir);
	awp_source *src = NULL;
	CHECK_OK(awp_source_open(&src, img));
	if (src)
		CHECK_OK(awp_fs_open(&fs, src, "m.img"));
	for (int round = 0; fs && round < 10; round++) /* the threads' timing varies */
		compare_paths(fs, "ext4 image");
	awp_fs_free(fs);
	awp_source_free(src);
}

void test_main(void)
{
	char *dir = test_tmpdir();
	CHECK(test_sh("mkdir -p %s/bin", dir) == 0);
	static struct img m;
	unsigned char bi[1024];

	/* 1. ELF64 LE, Go 1.21 inline build info + cargo-auditable section. */
	size_t bil = go_inline(bi, "go1.21.3 X:boringcrypto");
	const char json[] = "{\"packages\":[{\"name\":\"myapp\",\"version\":\"0.1.0\",\"source\":\"local\",\"root\":true,"
			    "\"dependencies\":[1,2,7,-1]},{\"name\":\"serde\",\"version\":\"1.0.188\",\"source\":"
			    "\"crates.io\"},{\"name\":\"proc-macro2\",\"version\":\"1.0.66\",\"kind\":\"build\"}]}";
	unsigned char z[1024];
	uLongf zl = sizeof z;
	CHECK(compress(z, &zl, (const Bytef *)json, sizeof json - 1) == Z_OK);
	struct sec s1[] = {{".text", "\x90\x90\x90\x90", 4, 0}, {".go.buildinfo", bi, bil, 0}, {".dep-v0", z, zl, 0}};
	build(&m, 1, 0, s1, 3, 0, NULL);
	write_file(dir, "goapp", m.b, m.n, 0755);
	/* Not executable: not looked at. */
	write_file(dir, "noexec", m.b, m.n, 0644);

	/* 2. ELF32 BE, old pointer format. */
	memset(oldsec, 0, sizeof oldsec);
	memcpy(oldsec, "\xff Go buildinf:", 14);
	oldsec[14] = 4;
	oldsec[15] = 1;
	oldlen = 48;
	memcpy(oldsec + oldlen, "go1.16.15", 9);
	oldlen += 9;
	memcpy(oldsec + oldlen, sentinel, 16);
	memcpy(oldsec + oldlen + 16, modtext, strlen(modtext));
	memcpy(oldsec + oldlen + 16 + strlen(modtext), sentinel, 16);
	oldlen += strlen(modtext) + 32;
	struct sec s2[] = {{".go.buildinfo", oldsec, oldlen, 0}};
	build(&m, 0, 1, s2, 1, 0, fix_old);
	write_file(dir, "old32be", m.b, m.n, 0755);

	/* 3. No section headers: found by scanning the RW segment. */
	bil = go_inline(bi, "go1.22.0");
	struct sec s3[] = {{".data", "padding.padding.padding", 23, 0}, {".go.buildinfo", bi, bil, 0}};
	build(&m, 1, 0, s3, 2, 1, NULL);
	write_file(dir, "stripped", m.b, m.n, 0755);

	/* 4. Damaged: build info without magic, garbage .dep-v0, truncated ELF,
	 *    a pointer outside the file. */
	unsigned char junk[64];
	memset(junk, 0xab, sizeof junk);
	struct sec s4[] = {{".go.buildinfo", junk, sizeof junk, 0}, {".dep-v0", junk, sizeof junk, 0}};
	build(&m, 1, 0, s4, 2, 0, NULL);
	write_file(dir, "damaged", m.b, m.n, 0755);
	write_file(dir, "truncated", m.b, 100, 0755);
	memcpy(oldsec + 16, "\x7f\xff\xff\x00", 4);
	struct sec s5[] = {{".go.buildinfo", oldsec, oldlen, 0}};
	build(&m, 0, 1, s5, 1, 0, NULL);
	write_file(dir, "badptr", m.b, m.n, 0755);
	write_file(dir, "script.sh", "#!/bin/sh\necho hello, this is not an ELF file at all, just text\n", 64, 0755);

	awp_fs *fs = NULL;
	awp_inventory *inv = NULL;
	CHECK_OK(awp_fs_open_dir(&fs, dir));
	CHECK_OK(awp_inventory_collect(&inv, fs, NULL));
	if (!inv)
		return;
	for (size_t i = 0; i < awp_inventory_warning_count(inv); i++)
		printf("# warning: %s: %s\n", awp_inventory_warning_get(inv, i)->path,
		       awp_inventory_warning_get(inv, i)->message);
	for (size_t i = 0; i < awp_inventory_count(inv); i++) {
		const awp_package *p = awp_inventory_get(inv, i);
		printf("# %s %s %s %s deps=%zu\n", p->type, p->name, p->version, p->path, p->dep_count);
	}
	check_go(inv, "/bin/goapp", "1.21.3");
	check_go(inv, "/bin/old32be", "1.16.15");
	check_go(inv, "/bin/stripped", "1.22.0");
	const awp_package *app = get(inv, "cargo", "myapp", "0.1.0", "/bin/goapp");
	const awp_package *serde = get(inv, "cargo", "serde", "1.0.188", "/bin/goapp");
	if (app && serde) {
		CHECK_EQ_INT(app->dep_count, 1);
		CHECK_EQ_STR(awp_inventory_get(inv, app->deps[0])->name, "serde");
		CHECK_EQ_STR(serde->manager, "cargo");
	}
	CHECK_EQ_INT(awp_inventory_count(inv), 3 * 5 + 2);
	CHECK(warned(inv, "/bin/damaged"));
	CHECK(warned(inv, "/bin/badptr"));
	CHECK(!warned(inv, "/bin/script.sh"));
	awp_inventory_free(inv);
	awp_fs_free(fs);

	owned_binaries(dir);
	test_rmtree(dir);
	free(dir);
}
