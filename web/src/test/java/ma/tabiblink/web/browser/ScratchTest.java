package ma.tabiblink.web.browser;

import org.junit.jupiter.api.Test;

class ScratchTest {
    @Test
    void smoke() throws Exception {
        BrowserSession.assumeBrowserInstalled();
        try (BrowserSession b = BrowserSession.open("http://127.0.0.1:8765")) {
            b.driver().get("http://127.0.0.1:8765/");
            b.waitFor("#login-form");
            System.out.println("DIR " + b.script("return document.documentElement.dir + ' ' + document.title"));
            b.script("localStorage.setItem('tabib.lang','ar')");
            b.driver().navigate().refresh();
            b.waitFor("#login-form");
            System.out.println("DIR " + b.script("return document.documentElement.dir + ' ' + getComputedStyle(document.body).direction + ' ' + document.title"));
            b.screenshot("scratch-login-ar");
            System.out.println("LOGS " + b.driver().manage().logs().get("browser").getAll());
        }
    }
}
