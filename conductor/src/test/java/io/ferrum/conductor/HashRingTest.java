package io.ferrum.conductor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The hash ring spreads nodes evenly and moves only about 1/N of them when a member comes or goes.
 */
class HashRingTest {

  private static final List<String> KEYS = keys(20_000);

  @Test
  void owner_isAMember_andTheSameForTheSameMembersInAnyOrder() {
    qt().withExamples(200)
        .forAll(
            lists().of(strings().basicLatinAlphabet().ofLengthBetween(1, 12)).ofSizeBetween(1, 8))
        .check(
            members -> {
              HashRing ring = new HashRing(members);
              List<String> reversed = new ArrayList<>(members);
              java.util.Collections.reverse(reversed);
              HashRing other = new HashRing(reversed);
              return KEYS.subList(0, 200).stream()
                  .allMatch(
                      k -> members.contains(ring.owner(k)) && ring.owner(k).equals(other.owner(k)));
            });
  }

  @Test
  void balance_everyMemberGetsNearItsFairShare() {
    qt().withExamples(30)
        .forAll(integers().between(2, 12))
        .check(
            n -> {
              Map<String, Integer> counts = counts(new HashRing(members(n)));
              double fair = KEYS.size() / (double) n;
              return counts.size() == n
                  && counts.values().stream().allMatch(c -> c > fair * 0.75 && c < fair * 1.25);
            });
  }

  @Test
  void join_movesOnlyKeysToTheNewcomer_aboutOneInNPlusOne() {
    qt().withExamples(30)
        .forAll(integers().between(1, 10))
        .check(
            n -> {
              HashRing before = new HashRing(members(n));
              List<String> grown = new ArrayList<>(members(n));
              grown.add("newcomer");
              HashRing after = new HashRing(grown);
              int moved = 0;
              for (String key : KEYS) {
                String was = before.owner(key);
                String is = after.owner(key);
                if (!was.equals(is)) {
                  if (!is.equals("newcomer")) {
                    return false; // a key moved between old members
                  }
                  moved++;
                }
              }
              double share = KEYS.size() / (double) (n + 1);
              return moved > share * 0.7 && moved < share * 1.3;
            });
  }

  @Test
  void leave_movesOnlyTheLeaversKeys() {
    qt().withExamples(30)
        .forAll(integers().between(2, 10))
        .check(
            n -> {
              HashRing before = new HashRing(members(n));
              List<String> shrunk = new ArrayList<>(members(n));
              String leaver = shrunk.remove(0);
              HashRing after = new HashRing(shrunk);
              return KEYS.stream()
                  .allMatch(
                      key ->
                          before.owner(key).equals(leaver)
                              ? !after.owner(key).equals(leaver)
                              : before.owner(key).equals(after.owner(key)));
            });
  }

  @Test
  void emptyRing_ownsNothing() {
    assertThat(new HashRing(List.of()).owner("anything")).isNull();
  }

  private static Map<String, Integer> counts(HashRing ring) {
    Map<String, Integer> counts = new HashMap<>();
    for (String key : KEYS) {
      counts.merge(ring.owner(key), 1, Integer::sum);
    }
    return counts;
  }

  private static List<String> members(int n) {
    List<String> members = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      members.add("conductor-" + i);
    }
    return members;
  }

  private static List<String> keys(int n) {
    java.util.Random random = new java.util.Random(42);
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      keys.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    return keys;
  }
}
