package io.ferrum.driver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Image sources: only what the operator's directories, pools and URL schemes allow. */
class ImageSourcePolicyTest {

  private static final String FIELD = "instance_info.image_source";

  @Test
  void defaults_allowOnlyFilesUnderVarLibFerrumImages() {
    ImageSourcePolicy policy = ImageSourcePolicy.defaults();

    ImageSourcePolicy.Source ok = policy.check(FIELD, "/var/lib/ferrum/images/web.qcow2");
    assertThat(ok.kind()).isEqualTo(ImageSourcePolicy.Kind.PATH);
    for (String refused :
        List.of(
            "/etc/shadow",
            "/var/lib/ferrum/images",
            "/var/lib/ferrum/images/../../../../etc/shadow",
            "/var/lib/ferrum/images/./x",
            "/var/lib/ferrum/images//x",
            "/var/lib/ferrum/images-evil/x",
            "/var/lib/ferrum/images/x\n",
            "default/vol",
            "http://example.com/x.img",
            "file:///var/lib/ferrum/images/x",
            "relative/path/x.img",
            "x")) {
      assertThatThrownBy(() -> policy.check(FIELD, refused))
          .as(refused)
          .isInstanceOf(InvalidDriverInfoException.class)
          .hasMessageStartingWith(FIELD + " \"")
          .hasMessageContaining("is not allowed");
    }
  }

  @Test
  void refusal_namesTheRuleAndTheSettingThatAllowsIt() {
    assertThatThrownBy(() -> ImageSourcePolicy.defaults().check(FIELD, "/etc/shadow"))
        .hasMessage(
            FIELD
                + " \"/etc/shadow\" is not allowed: it is not inside a directory of"
                + " image-allowed-dirs (/var/lib/ferrum/images); an operator can add a directory"
                + " with the image-allowed-dirs setting (ferrum serve --image-allowed-dirs)");
    assertThatThrownBy(() -> ImageSourcePolicy.defaults().check(FIELD, "default/vol"))
        .hasMessageContaining(
            "storage pool \"default\" is not in image-allowed-pools (empty); an operator can add a"
                + " pool with the image-allowed-pools setting");
    assertThatThrownBy(() -> ImageSourcePolicy.defaults().check(FIELD, 42))
        .hasMessage(FIELD + " must be a non-empty string");
  }

  @Test
  void operatorSettings_allowDirectoriesPoolsAndSchemes() {
    ImageSourcePolicy policy =
        ImageSourcePolicy.from(
            DriverSettings.of(
                Map.of(
                    "image-allowed-dirs", "/srv/images, /data",
                    "image-allowed-pools", "default",
                    "image-allowed-url-schemes", "HTTPS")));

    assertThat(policy.check(FIELD, "/srv/images/a/b.img").kind())
        .isEqualTo(ImageSourcePolicy.Kind.PATH);
    assertThat(policy.check(FIELD, "/data/x").kind()).isEqualTo(ImageSourcePolicy.Kind.PATH);
    ImageSourcePolicy.Source volume = policy.check(FIELD, "default/web-1.qcow2");
    assertThat(volume.pool()).isEqualTo("default");
    assertThat(volume.volume()).isEqualTo("web-1.qcow2");
    assertThat(policy.check(FIELD, "https://images.example/x.img").kind())
        .isEqualTo(ImageSourcePolicy.Kind.URL);
    assertThatThrownBy(() -> policy.check(FIELD, "/var/lib/ferrum/images/x"))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThatThrownBy(() -> policy.check(FIELD, "other/x"))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThatThrownBy(() -> policy.check(FIELD, "http://images.example/x.img"))
        .isInstanceOf(InvalidDriverInfoException.class);
    assertThatThrownBy(() -> policy.check(FIELD, "default/.."))
        .isInstanceOf(InvalidDriverInfoException.class);
  }

  @Test
  void emptySetting_allowsNothing() {
    ImageSourcePolicy policy =
        ImageSourcePolicy.from(DriverSettings.of(Map.of("image-allowed-dirs", "")));

    assertThatThrownBy(() -> policy.check(FIELD, "/var/lib/ferrum/images/x"))
        .hasMessageContaining("image-allowed-dirs (empty)");
  }

  @Test
  void badSettings_areRefusedWhenConfigured() {
    for (Map<String, String> bad :
        List.of(
            Map.of("image-allowed-dirs", "relative"),
            Map.of("image-allowed-dirs", "/srv/../etc"),
            Map.of("image-allowed-dirs", "/srv/"),
            Map.of("image-allowed-pools", "a/b"),
            Map.of("image-allowed-url-schemes", "file"),
            Map.of("image-allowed-url-schemes", "ht tp"))) {
      assertThatThrownBy(() -> ImageSourcePolicy.from(DriverSettings.of(bad)))
          .as(bad.toString())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(bad.keySet().iterator().next() + ": ");
    }
  }
}
