package ma.tabiblink.web.auth;

import java.util.Optional;

import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

import ma.tabiblink.web.account.CurrentUser;
import ma.tabiblink.web.error.ApiError;
import ma.tabiblink.web.error.ApiException;

/**
 * Supplies what the {@link BearerTokenFilter} verified to controller methods: the {@link CurrentUser}, or the token's
 * {@link TokenClaims} (with its session), or {@code Optional<TokenClaims>} where a token is welcome but not required.
 */
class CurrentUserResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        Class<?> type = parameter.getParameterType();
        return CurrentUser.class.equals(type) || TokenClaims.class.equals(type)
                || Optional.class.equals(type) && TokenClaims.class.equals(parameter.nestedIfOptional().getNestedParameterType());
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mav, NativeWebRequest request,
                                  WebDataBinderFactory binderFactory) {
        TokenClaims claims = (TokenClaims) request.getAttribute(BearerTokenFilter.CLAIMS_ATTRIBUTE,
                RequestAttributes.SCOPE_REQUEST);
        if (Optional.class.equals(parameter.getParameterType())) {
            return Optional.ofNullable(claims);
        }
        if (claims == null) {
            throw new ApiException(ApiError.AUTH_REQUIRED, "An access token is required.");
        }
        return CurrentUser.class.equals(parameter.getParameterType()) ? claims.toCurrentUser() : claims;
    }
}
