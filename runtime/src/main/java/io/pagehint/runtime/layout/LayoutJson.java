package io.pagehint.runtime.layout;

import static io.pagehint.runtime.format.ByteSizes.hex;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.pagehint.api.memory.GuestMemoryLayout;
import io.pagehint.api.memory.RamBlock;
import io.pagehint.api.memory.RamRange;

/**
 * A layout as JSON: the same map and blocks as {@link LayoutText}, addresses and offsets as
 * {@code "0x..."} strings (a JSON number cannot hold every 64-bit address exactly in every
 * reader), sizes as byte counts. {@code end} is exclusive.
 */
public final class LayoutJson {

    private LayoutJson() {
    }

    public static JsonObject of(GuestMemoryLayout layout) {
        JsonObject o = new JsonObject();
        o.addProperty("arch", layout.arch());
        o.addProperty("machine", layout.machine());
        o.addProperty("ramBytes", layout.ramBytes());
        o.addProperty("guestPageSize", layout.guestPageSize());
        JsonArray map = new JsonArray();
        for (MemoryMap.Row row : MemoryMap.of(layout)) {
            JsonObject r = new JsonObject();
            r.addProperty("start", hex(row.start()));
            r.addProperty("end", hex(row.end()));
            r.addProperty("size", row.size());
            r.addProperty("type", row.kind().label());
            if (row.block() != null) {
                r.addProperty("block", row.block().name());
                r.addProperty("blockOffset", hex(row.blockOffset()));
            }
            if (!row.description().isEmpty()) {
                r.addProperty("description", row.description());
            }
            map.add(r);
        }
        o.add("map", map);
        JsonArray blocks = new JsonArray();
        for (RamBlock b : layout.blocks()) {
            JsonObject j = new JsonObject();
            j.addProperty("index", b.index());
            j.addProperty("name", b.name());
            j.addProperty("size", b.size());
            j.addProperty("hostPageSize", b.hostPageSize());
            JsonArray ranges = new JsonArray();
            for (RamRange r : b.ranges()) {
                JsonObject rj = new JsonObject();
                rj.addProperty("start", hex(r.guestPhysAddr()));
                rj.addProperty("end", hex(r.guestPhysEnd()));
                rj.addProperty("size", r.length());
                rj.addProperty("blockOffset", hex(r.blockOffset()));
                ranges.add(rj);
            }
            j.add("ranges", ranges);
            blocks.add(j);
        }
        o.add("blocks", blocks);
        return o;
    }
}
