package ma.tabiblink.web.error;

import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

import io.micrometer.core.instrument.MeterRegistry;

/** Counts every coded error the HTTP API answers, by code ({@code tabib_errors_total{channel="rest",code=...}}). */
@ControllerAdvice
public class ErrorMetrics implements ResponseBodyAdvice<Object> {

    private final MeterRegistry meters;

    public ErrorMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    public void count(String channel, String code) {
        meters.counter("tabib.errors", "channel", channel, "code", code).increment();
    }

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(Object body, MethodParameter returnType, MediaType contentType,
                                  Class<? extends HttpMessageConverter<?>> converterType, ServerHttpRequest request,
                                  ServerHttpResponse response) {
        if (body instanceof ErrorBody error) {
            count("rest", error.code());
        }
        return body;
    }
}
