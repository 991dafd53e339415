package io.ferrum.conductor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.h2.mvstore.MVMap;
import org.h2.mvstore.MVStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class H2HeaderRepairTest {

  /**
   * Commits each stored at once, in space freed at once, then the store abandoned without a clean
   * close (as a killed process leaves it): after the repair, opening finds the last commit.
   */
  @Test
  void uncleanlyClosedStore_afterRepair_opensAtItsLastCommit(@TempDir Path dir) {
    Path file = dir.resolve("test.mv.db");
    int last = 0;
    for (int session = 0; session < 5; session++) {
      H2HeaderRepair.repair(file);
      MVStore store = new MVStore.Builder().fileName(file.toString()).autoCommitDisabled().open();
      store.setRetentionTime(0);
      MVMap<String, Integer> map = store.openMap("data");
      assertThat(map.getOrDefault("last", 0)).as("session %d opened at", session).isEqualTo(last);
      for (int i = 0; i < 40; i++) {
        map.put("last", ++last);
        map.put("filler" + (i % 7), last);
        store.commit();
      }
      store.closeImmediately();
    }
  }

  @Test
  void missingOrCleanlyClosedFile_isLeftAlone(@TempDir Path dir) {
    Path file = dir.resolve("test.mv.db");
    assertThat(H2HeaderRepair.repair(file)).isFalse();
    MVStore store = new MVStore.Builder().fileName(file.toString()).open();
    store.openMap("data").put("k", "v");
    store.close();
    assertThat(H2HeaderRepair.repair(file)).isFalse();
  }
}
