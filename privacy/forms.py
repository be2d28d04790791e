from allauth.core.internal import ratelimit
from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# Password guesses on the delete-account form (a stolen session cannot try many).
RATE_ACTION = "delete_account"


class DeleteAccountForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    # DELETE is the word typed in every language: the form checks for it as it is.
    # Translators: keep DELETE as it is, in capitals; it is the word the person types.
    confirm = forms.CharField(label=_("Type DELETE to confirm"), max_length=20)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request, self.user = request, request.user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not ratelimit.consume(
            self.request, app="allauth.account", action=RATE_ACTION, user=self.user
        ):
            raise forms.ValidationError(
                gettext("Too many tries: wait a quarter of an hour, or reset your password first.")
            )
        if not self.user.check_password(password):
            raise forms.ValidationError(gettext("That is not your password."))
        return password

    def clean_confirm(self):
        if self.cleaned_data["confirm"].strip() != "DELETE":
            # Translators: keep DELETE as it is, in capitals; it is the word the person types.
            raise forms.ValidationError(gettext("Type DELETE in capitals to confirm."))
        return "DELETE"
