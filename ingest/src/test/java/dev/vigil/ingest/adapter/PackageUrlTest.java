package dev.vigil.ingest.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PackageUrlTest {

    @Test
    void shouldReadTheDigestFromAnOciPurlVersion() {
        PackageUrl purl = PackageUrl.parse("pkg:oci/myapp@sha256%3Aabc").orElseThrow();

        assertThat(purl.type()).isEqualTo("oci");
        assertThat(purl.namespace()).isNull();
        assertThat(purl.name()).isEqualTo("myapp");
        assertThat(purl.version()).isEqualTo("sha256:abc");
        assertThat(purl.digest()).hasValue("sha256:abc");
        assertThat(purl.withoutVersion()).isEqualTo("pkg:oci/myapp");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "pkg:oci/myapp@sha256%3A0B31B1C0?repository_url=ghcr.io/acme&tag=v1,                 sha256:0b31b1c0",
        "pkg:oci/myapp@sha256:0b31b1c0,                                                      sha256:0b31b1c0",
        "PKG:OCI/myapp@sha512%3Aff00#sub/path,                                               sha512:ff00",
        "pkg:docker/acme/myapp@1.2.3?checksum=sha1:aa11%2Csha256:bb22,                       sha256:bb22",
        "pkg:generic/tool@2.0?checksum=sha1:aa11,                                            sha1:aa11",
    })
    void shouldReadDigestsFromVersionOrChecksumQualifier(String text, String digest) {
        assertThat(PackageUrl.parse(text).orElseThrow().digest()).hasValue(digest);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c",
                "pkg:deb/debian/curl@1:7.50.3-1",
                "pkg:maven/org.acme/lib@1.0.0",
                "pkg:oci/myapp",
                "pkg:oci/myapp@sha256%3Anot-hex",
            })
    void shouldFindNoDigestInOrdinaryVersions(String text) {
        assertThat(PackageUrl.parse(text).orElseThrow().digest()).isEmpty();
    }

    @Test
    void shouldKeepNamespaceAndNameOfANestedPurl() {
        PackageUrl purl = PackageUrl.parse("pkg:golang/mygit.com/myorg/myapp@234fd47e07d1004f0aed9c")
                .orElseThrow();

        assertThat(purl.namespace()).isEqualTo("mygit.com/myorg");
        assertThat(purl.name()).isEqualTo("myapp");
        assertThat(purl.withoutVersion()).isEqualTo("pkg:golang/mygit.com/myorg/myapp");
    }

    @Test
    void shouldDecodePercentEncodedNamesButKeepPlusSigns() {
        PackageUrl purl = PackageUrl.parse("pkg:npm/%40angular/core+x@16.0.0").orElseThrow();

        assertThat(purl.namespace()).isEqualTo("@angular");
        assertThat(purl.name()).isEqualTo("core+x");
        assertThat(purl.version()).isEqualTo("16.0.0");
    }

    @ParameterizedTest
    @ValueSource(strings = {"mySubject123", "pkg:", "pkg:oci", "pkg:oci/", "pkg:/myapp", "https://example.org/x"})
    void shouldNotTakeNonPurlsForPurls(String text) {
        assertThat(PackageUrl.parse(text)).isEmpty();
    }
}
