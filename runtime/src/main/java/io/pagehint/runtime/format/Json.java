package io.pagehint.runtime.format;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import java.io.PrintWriter;

/** How every command prints JSON: indented, HTML characters left alone, one document per run. */
public final class Json {

    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().serializeNulls().create();

    private Json() {
    }

    public static void print(JsonElement json, PrintWriter out) {
        out.println(GSON.toJson(json));
    }
}
