package io.pagehint.runtime.info;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.lang.reflect.Array;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * {@code pagehint info --json}: {@code framework}, {@code version}, {@code startLevel},
 * {@code bundles} (id, symbolicName, version, state, startLevel) and {@code services} with one
 * array per {@link ServiceKind#jsonKey()}, each service with id, bundleId, bundle and properties.
 * Property values keep their JSON type: numbers, booleans, strings, arrays.
 */
public final class InfoJson {

    private InfoJson() {
    }

    public static JsonObject of(RuntimeInfo info) {
        JsonObject o = new JsonObject();
        o.addProperty("framework", info.framework());
        o.addProperty("version", info.version());
        o.addProperty("startLevel", info.startLevel());
        JsonArray bundles = new JsonArray();
        for (RuntimeInfo.BundleRow b : info.bundles()) {
            JsonObject j = new JsonObject();
            j.addProperty("id", b.id());
            j.addProperty("symbolicName", b.symbolicName());
            j.addProperty("version", b.version());
            j.addProperty("state", b.state());
            j.addProperty("startLevel", b.startLevel());
            bundles.add(j);
        }
        o.add("bundles", bundles);
        JsonObject services = new JsonObject();
        for (Map.Entry<ServiceKind, List<RuntimeInfo.ServiceRow>> e : info.services().entrySet()) {
            JsonArray rows = new JsonArray();
            for (RuntimeInfo.ServiceRow s : e.getValue()) {
                JsonObject j = new JsonObject();
                j.addProperty("id", s.id());
                j.addProperty("bundleId", s.bundleId());
                j.addProperty("bundle", s.bundle());
                JsonObject props = new JsonObject();
                s.properties().forEach((k, v) -> props.add(k, json(v)));
                j.add("properties", props);
                rows.add(j);
            }
            services.add(e.getKey().jsonKey(), rows);
        }
        o.add("services", services);
        return o;
    }

    static JsonElement json(Object v) {
        if (v == null) {
            return JsonNull.INSTANCE;
        }
        if (v instanceof Number n) {
            return new JsonPrimitive(n);
        }
        if (v instanceof Boolean b) {
            return new JsonPrimitive(b);
        }
        if (v.getClass().isArray()) {
            JsonArray a = new JsonArray();
            for (int i = 0; i < Array.getLength(v); i++) {
                a.add(json(Array.get(v, i)));
            }
            return a;
        }
        if (v instanceof Collection<?> c) {
            JsonArray a = new JsonArray();
            c.forEach(x -> a.add(json(x)));
            return a;
        }
        return new JsonPrimitive(String.valueOf(v));
    }
}
