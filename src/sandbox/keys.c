/* keys.c: the master key with AES-128 as Octopus uses it, API keys, a seeded PRNG. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include "buf.h"
#include "i18n.h"
#include "sandbox.h"
#include "xalloc.h"

char *sb_base64(const unsigned char *data, size_t len)
{
	char *out = hoist_xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}

int sb_unbase64(const char *text, unsigned char *out, size_t cap)
{
	size_t len = strlen(text), pad = 0;
	unsigned char *tmp;
	int n;
	if (len == 0 || len % 4)
		return -1;
	if (text[len - 1] == '=')
		pad++;
	if (text[len - 2] == '=')
		pad++;
	tmp = hoist_xmalloc(len / 4 * 3 + 1);
	n = EVP_DecodeBlock(tmp, (const unsigned char *)text, (int)len);
	if (n < 0 || (size_t)n - pad > cap) {
		free(tmp);
		return -1;
	}
	n -= (int)pad;
	memcpy(out, tmp, (size_t)n);
	free(tmp);
	return n;
}

/* Sealed form "base64(ciphertext)|base64(iv)": AES-128-CBC, a fresh IV per value. */
char *sb_encrypt(const unsigned char key[16], const char *plain)
{
	unsigned char iv[16];
	size_t len = strlen(plain);
	unsigned char *ct = hoist_xmalloc(len + 32);
	int n1 = 0, n2 = 0;
	char *b1, *b2, *out;
	EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
	sb_random(iv, sizeof iv);
	EVP_EncryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv);
	EVP_EncryptUpdate(ctx, ct, &n1, (const unsigned char *)plain, (int)len);
	EVP_EncryptFinal_ex(ctx, ct + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	b1 = sb_base64(ct, (size_t)(n1 + n2));
	b2 = sb_base64(iv, sizeof iv);
	out = hoist_xasprintf("%s|%s", b1, b2);
	free(ct);
	free(b1);
	free(b2);
	return out;
}

char *sb_decrypt(const unsigned char key[16], const char *sealed)
{
	const char *bar = strchr(sealed, '|');
	unsigned char iv[16], *ct, *pt;
	char *ctext;
	int clen, n1 = 0, n2 = 0, ok;
	EVP_CIPHER_CTX *ctx;
	if (!bar || sb_unbase64(bar + 1, iv, sizeof iv) != 16)
		return NULL;
	ctext = hoist_xstrndup(sealed, (size_t)(bar - sealed));
	ct = hoist_xmalloc(strlen(ctext) + 1);
	clen = sb_unbase64(ctext, ct, strlen(ctext));
	free(ctext);
	if (clen <= 0) {
		free(ct);
		return NULL;
	}
	pt = hoist_xmalloc((size_t)clen + 17);
	ctx = EVP_CIPHER_CTX_new();
	EVP_DecryptInit_ex(ctx, EVP_aes_128_cbc(), NULL, key, iv);
	ok = EVP_DecryptUpdate(ctx, pt, &n1, ct, clen) && EVP_DecryptFinal_ex(ctx, pt + n1, &n2);
	EVP_CIPHER_CTX_free(ctx);
	free(ct);
	if (!ok) {
		free(pt);
		return NULL;
	}
	pt[n1 + n2] = '\0';
	return (char *)pt;
}

void sb_random(unsigned char *out, size_t n)
{
	if (RAND_bytes(out, (int)n) != 1)
		abort(); /* no entropy: nothing sensible to generate a key from */
}

/* API-<32 of A-Z0-9>, drawn without bias by rejecting bytes past the last full cycle. */
char *sb_new_api_key(void)
{
	static const char alnum[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	char *key = hoist_xmalloc(4 + 32 + 1);
	size_t i = 0;
	memcpy(key, "API-", 4);
	while (i < 32) {
		unsigned char b;
		sb_random(&b, 1);
		if (b < 252)
			key[4 + i++] = alnum[b % 36];
	}
	key[36] = '\0';
	return key;
}

enum hoist_status sb_master_key(struct sb *sb, unsigned char key[16], struct hoist_error *err)
{
	char *path = sb_path(sb, "master-key");
	FILE *f = fopen(path, "r");
	char line[128] = "";
	int n = -1;
	if (f) {
		if (fgets(line, sizeof line, f))
			line[strcspn(line, "\r\n")] = '\0';
		fclose(f);
		n = sb_unbase64(line, key, 16);
	}
	if (n != 16)
		hoist_error_set(err, HOIST_IO, _("cannot read the master key from %s"), path);
	free(path);
	return n == 16 ? HOIST_OK : HOIST_IO;
}

/* splitmix64: small, fast and good enough for a demo cluster's random tasks. */
unsigned long long sb_rand(unsigned long long *state)
{
	unsigned long long z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}
