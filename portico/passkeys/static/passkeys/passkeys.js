// Passkeys: asks the browser's WebAuthn API to make or use a passkey, then posts the
// answer as JSON in a hidden field. A static file (the CSP allows no inline script);
// the options come from <script type="application/json"> blocks rendered by Django.
//
//   <form data-passkey-create="ID">  on submit: navigator.credentials.create()
//   <button data-passkey-get="ID">   on click:  navigator.credentials.get()
//
// ID names the JSON options element. The answer goes into the form's
// input[name=passkey_credential], then form.submit(). [data-passkey-failed] is shown
// when the browser gives no answer ([data-passkey-exists] when the device already holds
// one of the person's passkeys); [data-passkey-unsupported] is hidden when it can.
(function () {
  "use strict";

  function toBytes(text) {
    var base64 = text.replace(/-/g, "+").replace(/_/g, "/");
    while (base64.length % 4) base64 += "=";
    var binary = atob(base64);
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes.buffer;
  }

  function toText(buffer) {
    var bytes = new Uint8Array(buffer);
    var binary = "";
    for (var i = 0; i < bytes.length; i++) binary += String.fromCharCode(bytes[i]);
    return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function readOptions(id) {
    var element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  function descriptors(list) {
    return (list || []).map(function (item) {
      return { type: item.type, id: toBytes(item.id), transports: item.transports };
    });
  }

  function creationOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.user.id = toBytes(options.user.id);
    options.excludeCredentials = descriptors(options.excludeCredentials);
    return options;
  }

  function requestOptions(options) {
    options.challenge = toBytes(options.challenge);
    options.allowCredentials = descriptors(options.allowCredentials);
    return options;
  }

  function common(credential) {
    return {
      id: credential.id,
      rawId: toText(credential.rawId),
      type: credential.type,
      authenticatorAttachment: credential.authenticatorAttachment || null,
      clientExtensionResults: credential.getClientExtensionResults(),
    };
  }

  function registrationJSON(credential) {
    var json = common(credential);
    var response = credential.response;
    json.response = {
      clientDataJSON: toText(response.clientDataJSON),
      attestationObject: toText(response.attestationObject),
      transports: response.getTransports ? response.getTransports() : [],
    };
    return json;
  }

  function authenticationJSON(credential) {
    var json = common(credential);
    var response = credential.response;
    json.response = {
      clientDataJSON: toText(response.clientDataJSON),
      authenticatorData: toText(response.authenticatorData),
      signature: toText(response.signature),
      userHandle: response.userHandle ? toText(response.userHandle) : null,
    };
    return json;
  }

  function show(container, selector, visible) {
    container.querySelectorAll(selector).forEach(function (element) {
      element.hidden = !visible;
    });
  }

  function finish(form, json) {
    form.querySelector('input[name="passkey_credential"]').value = JSON.stringify(json);
    form.submit();
  }

  var supported = !!(window.PublicKeyCredential && navigator.credentials);

  document.querySelectorAll("form[data-passkey-create]").forEach(function (form) {
    if (form.dataset.passkeyReady) return;
    form.dataset.passkeyReady = "1";
    if (!supported) return;
    show(form, "[data-passkey-unsupported]", false);
    show(form, "[data-passkey-submit]", true);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var name = form.querySelector('input[name="name"]');
      if (name && !name.value.trim()) {
        // The server names the problem; nothing to ask the browser yet.
        form.submit();
        return;
      }
      show(form, "[data-passkey-failed], [data-passkey-exists]", false);
      var options = creationOptions(readOptions(form.dataset.passkeyCreate));
      navigator.credentials.create({ publicKey: options }).then(
        function (credential) {
          finish(form, registrationJSON(credential));
        },
        function (error) {
          // InvalidStateError: the authenticator holds one of excludeCredentials already.
          var exists = error && error.name === "InvalidStateError";
          show(form, exists ? "[data-passkey-exists]" : "[data-passkey-failed]", true);
        },
      );
    });
  });

  document.querySelectorAll("button[data-passkey-get]").forEach(function (button) {
    var box = button.closest(".passkey-second-step") || button.form;
    if (button.dataset.passkeyReady) return;
    button.dataset.passkeyReady = "1";
    if (!supported || !button.form) return;
    show(box, "[data-passkey-unsupported]", false);
    button.hidden = false;
    button.addEventListener("click", function () {
      show(box, "[data-passkey-failed]", false);
      var options = requestOptions(readOptions(button.dataset.passkeyGet));
      navigator.credentials.get({ publicKey: options }).then(
        function (credential) {
          finish(button.form, authenticationJSON(credential));
        },
        function () {
          show(box, "[data-passkey-failed]", true);
        },
      );
    });
  });
})();
