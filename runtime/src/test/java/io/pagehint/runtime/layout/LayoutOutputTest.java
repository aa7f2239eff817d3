package io.pagehint.runtime.layout;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class LayoutOutputTest {

    @Test
    void theTextShowsTheMapLikeE820AndEachBlockWithItsRanges() {
        StringWriter text = new StringWriter();
        LayoutText.print(Layouts.q35WithDimm(), new PrintWriter(text, true));

        assertThat(text.toString())
                .contains("x86_64 q35: 4 GiB of RAM in 2 blocks, guest page 4 KiB")
                .containsPattern("0x0000000080000000 +0x0000000100000000 +2 GiB +hole")
                .containsPattern("0x00000000000a0000 +0x0000000000100000 +384 KiB +reserved +legacy VGA and BIOS \\(over pc.ram \\+0xa0000\\)")
                .containsPattern("0x0000000100000000 +0x0000000140000000 +1 GiB +ram +pc.ram \\+0x80000000")
                .containsPattern("1 +dimm0 +1 GiB +2 MiB")
                .containsPattern("guest 0x0000000140000000-0x0000000180000000 +1 GiB +at block offset 0x0");
    }

    @Test
    void theJsonHasAddressesAsHexStringsAndSizesAsByteCounts() {
        JsonObject json = LayoutJson.of(Layouts.q35WithDimm());

        assertThat(json.get("machine").getAsString()).isEqualTo("q35");
        assertThat(json.get("ramBytes").getAsLong()).isEqualTo(4 * Layouts.G);
        JsonArray map = json.getAsJsonArray("map");
        JsonObject hole = map.get(3).getAsJsonObject();
        assertThat(hole.get("start").getAsString()).isEqualTo("0x80000000");
        assertThat(hole.get("end").getAsString()).isEqualTo("0x100000000");
        assertThat(hole.get("size").getAsLong()).isEqualTo(2 * Layouts.G);
        assertThat(hole.get("type").getAsString()).isEqualTo("hole");
        assertThat(hole.has("block")).isFalse();
        JsonObject reserved = map.get(1).getAsJsonObject();
        assertThat(reserved.get("description").getAsString()).isEqualTo("legacy VGA and BIOS");
        assertThat(reserved.get("blockOffset").getAsString()).isEqualTo("0xa0000");

        JsonObject dimm = json.getAsJsonArray("blocks").get(1).getAsJsonObject();
        assertThat(dimm.get("name").getAsString()).isEqualTo("dimm0");
        assertThat(dimm.get("hostPageSize").getAsLong()).isEqualTo(2 << 20);
        JsonObject range = dimm.getAsJsonArray("ranges").get(0).getAsJsonObject();
        assertThat(range.get("start").getAsString()).isEqualTo("0x140000000");
        assertThat(range.get("blockOffset").getAsString()).isEqualTo("0x0");
        assertThat(range.get("size").getAsLong()).isEqualTo(Layouts.G);
    }
}
