"""The error table of ``cj-2026``: CJ's current global error codes (version of December 2025,
as listed in tests/data/cj-2026.md, section 4) plus 16900500 (observed; the points refusal).

``{param}`` (and 16900500's numbers) are filled in per answer (:meth:`Catalogue.message`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

SAME_AS_1606001 = (
    'You do not meet our service requirements, Please check and try again. 1.Request '
    'Protocols: HTTPS, 2. Request Method: POST, 3.Content-Type: application/json, 4. '
    'Response Status Code: 200, 5. Response must be returned within 3 seconds.'
)

MESSAGES: Mapping[int, str] = MappingProxyType({
    200: 'Success',
    1600000: 'System busy, please contact CJ IT',
    1600001: 'Invalid API key or access token.',
    1600002: 'access token cannot be empty',
    1600003: 'Invalid Refresh token',
    1600004: 'Authorization failed, Please check cj account',
    1600005: 'APIkey is wrong, please check and try again',
    1600006: 'Developer account not found',
    1600007: 'The user has been bound to another developer account',
    1600008: 'Authorization failed, Please check cj account',
    1600009: 'Token exchange failed because the code does not exist.',
    1600010: 'RedirectUri must be not empty.',
    1600011: 'CallbackUri must be not empty.',
    1600012: ('The account creation authorization has been disabled, and cj '
              'authorization cannot be created. Contact the CJ account manager.'),
    1600013: 'Store info does not exist,please check and try again.',
    1600030: 'token invalidation fail',
    1600031: 'Invalid platform token',
    1600100: 'Interface is offline',
    1600101: 'Interface not found',
    1600200: 'Too much request{param}',
    1600201: 'Quota has been used up',
    1600300: 'Param error',
    1600301: 'Read timed out',
    1601000: 'User not found',
    1602000: 'Variant not found',
    1602001: 'Product not found',
    1602002: 'Product has been removed from shelves',
    1602003: 'Variant has been removed from shelves',
    1602004: 'Failed to create infringement report',
    1603000: 'Order create fail',
    1603001: 'Order confirm fail',
    1603002: 'Order delete fail',
    1603003: 'Order exist, please do not duplicate create',
    1603100: 'Order not found, please check the CJ order id',
    1603101: 'Order pay fail, please contact CJ order center',
    1603102: 'Inventory deduction fail, please contact CJ order center',
    1604000: 'Balance is insufficient',
    1604001: ('The balance payment function is temporarily restricted. '
              'Please log in to My CJ and make the order payment on the page'),
    1605000: 'Logistic not found',
    1605001: 'Logistic invalid, please reference freight calculate.',
    1605002: 'country code not found',
    1606000: 'Webhook setting add fail, Webhook already have settings',
    1606001: SAME_AS_1606001,
    1607000: SAME_AS_1606001,
    1607001: 'Please do not use domain names such as localhost, 127.0.0.1',
    1607002: 'Webhook url error, Please ensure URL starts with https://',
    1607003: 'Webhook url error, Http Status must be 200',
    1607004: 'Freight calculation request failed',
    1607006: 'Query dispute product request failed',
    1607007: 'dispute confirm fail',
    1607008: 'dispute create fail',
    1607009: 'dispute cancel fail',
    1607010: 'product update fail',
    16070002: 'The CJ page type is not supported',
    16900202: "Request method '{param}' not supported",
    16900203: 'Content type not supported[{param}]',
    16900204: 'Required request body is missing',
    16900205: 'The request parameter is not in a correct JSON format',
    16900403: '{param} can not be empty',
    16900500: ('Insufficient API points. Used today: {used}, '
              'Remaining: {remaining}, Required: {required}.'),
})
