package io.pagehint.itests.e2e;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** What end-to-end test classes share: one folder on tmpfs for their processes' files, removed after the class. */
abstract class EndToEnd {

    static Migrations migrations;

    @BeforeAll
    static void folder() throws Exception {
        migrations = new Migrations();
    }

    @AfterAll
    static void cleanUp() throws Exception {
        migrations.close();
    }
}
